/**
 * PowerShell 7 (pwsh) runs what stsenv prints, the way README tells
 * PowerShell users to: `stsenv ... | Invoke-Expression`, `| Out-String |
 * Invoke-Expression`, the init function and the dot-sourced shells/stsenv.ps1.
 * The environment is read back as a child process of pwsh sees it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { listStructs, type IssuedCredentials } from '../support/fake-sts.js';
import { assertCredentialEnv } from '../support/expect-env.js';
import { isolatedEnv, stsenvOnPath, writeBaseProfile } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import {
  parseEnvDump,
  psQuote,
  pwshDumpEnvCommand,
  pwshEnv,
  requireShellOrSkip,
  runPwshScript,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
/** Spaces, quotes, brackets and braces: splatting @args must pass it whole. */
const POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}';
const PS1 = fileURLToPath(new URL('../../shells/stsenv.ps1', import.meta.url));

let bin: string;
const sts = useStsFixture({
  setup: ({ home }) => {
    // `stsenv` on PATH as npm installs it: its parent process is pwsh, as with npm's symlink.
    bin = stsenvOnPath(home.dir);
    writeBaseProfile(home.dir);
  },
});

let dumps = 0;

/** A file for one environment dump, and the statement that writes it. */
function dumpTo(): { file: string; command: string } {
  const file = join(sts.home.dir, `env-${++dumps}.bin`);
  return { file, command: pwshDumpEnvCommand(file) };
}

function readDump(file: string): Map<string, string> {
  return new Map([...parseEnvDump(readFileSync(file))].map(([k, v]) => [k, v.toString('utf8')]));
}

/**
 * The session of a PowerShell user: base credentials from the `work` profile,
 * stsenv on PATH, no STSENV_SHELL (stsenv must see PowerShell for itself), and
 * a login shell that would lead elsewhere.
 */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  const base = isolatedEnv(sts.home.dir, {
    STSENV_NO_CACHE: '1',
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: 'work',
    STSENV_SHELL: undefined,
    SHELL: '/usr/bin/fish',
    ROLE,
    POLICY,
    URL: sts.fake.url,
  }) as Record<string, string>;
  return pwshEnv({ ...base, PATH: `${bin}:${process.env.PATH}`, ...extra });
}

function issued(index: number): IssuedCredentials {
  const credentials = sts.fake.issued[index];
  assert.ok(credentials, `the endpoint issued credentials #${index + 1}`);
  return credentials;
}

describe('pwsh evaluates what stsenv prints', () => {
  test('| Invoke-Expression and | Out-String | Invoke-Expression set what STS issued and clear AWS_PROFILE; PowerShell lines without --shell', async (t) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    sts.fake.reset();
    const [lines, direct, whole, cleared] = [dumpTo(), dumpTo(), dumpTo(), dumpTo()];
    const script = [
      "$ErrorActionPreference = 'Stop'",
      // No --shell: stsenv finds PowerShell itself (its parent process, and PSModulePath).
      `& stsenv unset | Out-File -Encoding utf8NoBOM -FilePath ${psQuote(lines.file)}`,
      '$env:AWS_DEFAULT_PROFILE = "stale"; $env:AWS_SECURITY_TOKEN = "stale"',
      'stsenv assume $env:ROLE --endpoint-url $env:URL --region eu-west-2 | Invoke-Expression',
      direct.command,
      '$env:AWS_PROFILE = "work"; $env:AWS_DEFAULT_PROFILE = "stale"',
      'Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_SESSION_TOKEN',
      'stsenv assume $env:ROLE --endpoint-url $env:URL --region eu-west-2 --shell powershell | Out-String | Invoke-Expression',
      whole.command,
      '$env:AWS_PROFILE = "work"',
      'stsenv unset | Invoke-Expression',
      cleared.command,
    ].join('\n');
    const result = await runPwshScript(script, { env: environment() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const unsetLines = readFileSync(lines.file, 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(unsetLines.slice(0, 2), [
      'Remove-Item -Path Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue',
      'Remove-Item -Path Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue',
    ]);
    assertCredentialEnv(readDump(direct.file), issued(0), 'eu-west-2');
    assertCredentialEnv(readDump(whole.file), issued(1), 'eu-west-2');
    const after = readDump(cleared.file);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_PROFILE'])
      assert.equal(after.has(name), false, `${name} cleared`);
  });

  const integrations: Array<[title: string, load: string]> = [
    [
      'the init function (Invoke-Expression (& stsenv init powershell | Out-String))',
      'Invoke-Expression (& stsenv init powershell | Out-String)',
    ],
    ['the dot-sourced shells/stsenv.ps1', `. ${psQuote(PS1)}`],
  ];
  for (const [title, load] of integrations) {
    test(`${title}: assume sets, a failure changes nothing and leaves $LASTEXITCODE, unset clears`, async (t) => {
      if (!requireShellOrSkip(t, 'pwsh')) return;
      sts.fake.reset();
      sts.fake.failNext({ error: 'AccessDenied' });
      const [failed, assumed, cleared] = [dumpTo(), dumpTo(), dumpTo()];
      const script = [
        load,
        '$env:AWS_REGION = "ap-south-1"',
        'stsenv assume $env:ROLE --endpoint-url $env:URL',
        '$env:TEST_RC = "$LASTEXITCODE"',
        'stsenv assume not-an-arn',
        '$env:TEST_RC_USAGE = "$LASTEXITCODE"',
        failed.command,
        'Remove-Item Env:TEST_RC, Env:TEST_RC_USAGE',
        '$env:AWS_DEFAULT_PROFILE = "stale"; $env:AWS_SECURITY_TOKEN = "stale"',
        "stsenv assume $env:ROLE --endpoint-url $env:URL --region eu-west-1 --tag 'team=ops and  dev' --policy $env:POLICY",
        '$env:TEST_RC = "$LASTEXITCODE"',
        assumed.command,
        'Remove-Item Env:TEST_RC',
        'stsenv unset',
        '$env:TEST_RC = "$LASTEXITCODE"',
        cleared.command,
      ].join('\n');
      const result = await runPwshScript(script, { env: environment() });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.toString('utf8'), '', 'the function prints no credentials');

      const before = readDump(failed.file);
      assert.equal(before.get('TEST_RC'), '1', result.stderr);
      assert.equal(before.get('TEST_RC_USAGE'), '2');
      assert.equal(before.get('AWS_PROFILE'), 'work');
      assert.equal(before.get('AWS_REGION'), 'ap-south-1');
      assert.equal(before.has('AWS_ACCESS_KEY_ID'), false);
      assert.match(result.stderr, /AccessDenied/);

      const env = readDump(assumed.file);
      assert.equal(env.get('TEST_RC'), '0', result.stderr);
      assertCredentialEnv(env, issued(0), 'eu-west-1');
      const [request] = sts.fake.requestsFor('AssumeRole').slice(-1);
      assert.deepEqual(listStructs(request!.params, 'Tags'), [{ Key: 'team', Value: 'ops and  dev' }]);
      assert.equal(request!.params.Policy, POLICY);

      const after = readDump(cleared.file);
      assert.equal(after.get('TEST_RC'), '0');
      for (const name of [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_PROFILE',
      ]) {
        assert.equal(after.has(name), false, `${name} cleared`);
      }
    });
  }
});
