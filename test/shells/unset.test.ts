/**
 * `stsenv unset` clears everything an assume set, in every real shell.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ALL_VARIABLES } from '../../src/variables.js';
import { isolatedEnv, runCli, stsenvOnPath } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import {
  cmdEvalAndDump,
  dumpEnvCommand,
  parseCmdDump,
  parseEnvDump,
  POSIX_SHELLS,
  requireShellOrSkip,
  runCmdBatch,
  runShellScript,
  scratchFile,
  winePath,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';

let bin: string;
const sts = useStsFixture({
  setup: ({ home }) => {
    bin = stsenvOnPath(home.dir);
  },
});

function environment(): Record<string, string> {
  return isolatedEnv(sts.home.dir, {
    STSENV_NO_CACHE: '1',
    PATH: `${bin}:${process.env.PATH}`,
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    ROLE,
  }) as Record<string, string>;
}

/** After assume every variable is set (region included); after unset none is left. */
function assertCleared(dump: Map<string, unknown>, before: string | undefined): void {
  assert.equal(before, sts.fake.issued.at(-1)?.accessKeyId, 'assume had set the new key first');
  const left = ALL_VARIABLES.filter((name) => dump.has(name));
  assert.deepEqual(left, [], 'nothing stsenv sets is left');
}

describe('unset after assume, in real shells', () => {
  for (const spec of POSIX_SHELLS) {
    test(`${spec.name}: eval "$(stsenv unset)" clears everything`, async (t) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const script = [
        `eval "$(stsenv assume "$ROLE" --shell ${spec.format} --region eu-west-1)" || exit 9`,
        'export TEST_BEFORE="$AWS_ACCESS_KEY_ID"',
        'export AWS_PROFILE=p AWS_DEFAULT_PROFILE=q AWS_SECURITY_TOKEN=t',
        `eval "$(stsenv unset --shell ${spec.format})" || exit 8`,
        dumpEnvCommand(),
      ].join('\n');
      const result = await runShellScript(spec.name, script, { env: environment() });
      assert.equal(result.code, 0, result.stderr);
      const dump = parseEnvDump(result.stdout);
      assertCleared(dump, dump.get('TEST_BEFORE')?.toString('utf8'));
    });
  }

  test('bash: unset keeps the region the user set, and clears the one stsenv set', async (t) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    // unset removes the keys too: the base keys are exported again before the second assume.
    const script = [
      'base_id=$AWS_ACCESS_KEY_ID base_secret=$AWS_SECRET_ACCESS_KEY',
      'export AWS_REGION=us-west-2',
      'creds=$(stsenv assume "$ROLE" --shell bash) && eval "$creds" || exit 9',
      'eval "$(stsenv unset --shell bash)" || exit 8',
      'echo "own=${AWS_REGION-none}"',
      'export AWS_ACCESS_KEY_ID=$base_id AWS_SECRET_ACCESS_KEY=$base_secret',
      'creds=$(stsenv assume "$ROLE" --shell bash --region eu-west-1) && eval "$creds" || exit 7',
      'eval "$(stsenv unset --shell bash)" || exit 6',
      'echo "flag=${AWS_REGION-none} marker=${STSENV_REGION-none}"',
    ].join('\n');
    const result = await runShellScript('bash', script, { env: environment() });
    assert.equal(result.code, 0, result.stderr.toString());
    assert.equal(result.stdout.toString(), 'own=us-west-2\nflag=none marker=none\n');
  });

  test('fish: stsenv unset | source clears everything', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    const script = [
      'stsenv assume $ROLE --shell fish --region eu-west-1 | source',
      'set -gx TEST_BEFORE $AWS_ACCESS_KEY_ID',
      'set -gx AWS_PROFILE p; set -gx AWS_DEFAULT_PROFILE q; set -gx AWS_SECURITY_TOKEN t',
      'stsenv unset --shell fish | source',
      dumpEnvCommand(),
    ].join('\n');
    const result = await runShellScript('fish', script, { env: environment() });
    assert.equal(result.code, 0, result.stderr);
    const dump = parseEnvDump(result.stdout);
    assertCleared(dump, dump.get('TEST_BEFORE')?.toString('utf8'));
  });

  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    test(`${shell}: the init function's stsenv unset clears everything`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      const script =
        shell === 'fish'
          ? [
              'stsenv init fish | source',
              'stsenv assume $ROLE --region eu-west-1',
              'set -gx TEST_BEFORE $AWS_ACCESS_KEY_ID',
              'stsenv unset; or exit 7',
              dumpEnvCommand(),
            ]
          : [
              `eval "$(stsenv init ${shell})"`,
              'stsenv assume "$ROLE" --region eu-west-1',
              'export TEST_BEFORE="$AWS_ACCESS_KEY_ID"',
              'stsenv unset || exit 7',
              dumpEnvCommand(),
            ];
      const result = await runShellScript(shell, script.join('\n'), { env: environment() });
      assert.equal(result.code, 0, result.stderr);
      const dump = parseEnvDump(result.stdout);
      assertCleared(dump, dump.get('TEST_BEFORE')?.toString('utf8'));
    });
  }

  test('cmd under Wine: the unset lines clear everything', async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const assume = await runCli(['assume', ROLE, '--shell', 'cmd', '--region', 'eu-west-1'], { env: environment() });
    assert.equal(assume.code, 0, assume.stderr);
    // stsenv runs outside Wine: it is given the environment the batch will have, the region stsenv set.
    const regionByStsenv = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', STSENV_REGION: 'eu-west-1' };
    const unset = await runCli(['unset', '--shell', 'cmd'], { env: { ...environment(), ...regionByStsenv } });
    assert.equal(unset.code, 0, unset.stderr);
    const assumeFile = scratchFile('.txt', assume.stdout);
    const [echoOff, apply] = cmdEvalAndDump(assumeFile, 'AWS_');
    const result = await runCmdBatch([
      echoOff!,
      apply!,
      'set "TEST_BEFORE=%AWS_ACCESS_KEY_ID%"',
      'set "AWS_PROFILE=p"',
      ...cmdEvalAndDump(scratchFile('.txt', unset.stdout), 'AWS_').slice(1, 2),
      'echo ---dump---',
      'set TEST_BEFORE',
      'set AWS_',
    ]);
    const dump = parseCmdDump(result.stdout, '');
    assertCleared(dump, dump.get('TEST_BEFORE'));
  });

  test('cmd under Wine: stsenv-env unset clears everything', async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    // The environment the batch below sets, as a region stsenv set.
    const unset = await runCli(['unset', '--shell', 'cmd'], {
      env: { ...environment(), ...Object.fromEntries(ALL_VARIABLES.map((name) => [name, 'x'])) },
    });
    const stub = join(sts.home.dir, 'stub');
    mkdirSync(stub, { recursive: true });
    const output = scratchFile('.txt', unset.stdout);
    writeFileSync(join(stub, 'stsenv.bat'), `@type "${winePath(output)}"\r\n@exit /b 0\r\n`);
    const bat = scratchFile('.bat', (await runCli(['init', 'cmd'], { env: environment() })).stdout);
    const result = await runCmdBatch([
      '@echo off',
      `set "PATH=${winePath(stub)};%PATH%"`,
      ...ALL_VARIABLES.map((name) => `set "${name}=x"`),
      `call "${winePath(bat)}" unset`,
      'echo ---dump---',
      'set AWS_',
    ]);
    assert.deepEqual([...parseCmdDump(result.stdout, 'AWS_').keys()], []);
    assert.match(unset.stdout, /^set "AWS_ACCESS_KEY_ID="\r$/m);
  });
});
