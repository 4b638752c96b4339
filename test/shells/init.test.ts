/**
 * `stsenv init` and the files of shells/, run in the real shells.
 * The shell functions call the real binary through a `stsenv` script on PATH;
 * STSENV_SHELL=json in their environment proves they pass --shell themselves.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { listStructs, type IssuedCredentials } from '../support/fake-sts.js';
import { assertCredentialEnv } from '../support/expect-env.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, isolatedEnv, runCli, stsenvOnPath } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import { FORMATS } from '../../src/shells/index.js';
import { INTEGRATIONS } from '../../src/shells/integration.js';
import {
  dumpEnvCommand,
  parseCmdDump,
  parseEnvDump,
  requireShellOrSkip,
  runCmdBatch,
  runShellScript,
  scratchFile,
  winePath,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
/** Spaces, quotes, brackets, braces and glob characters: "$@" must pass it whole. */
const POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}';
const SHELLS_DIR = new URL('../../shells/', import.meta.url);

let bin: string;
const sts = useStsFixture({
  setup: ({ home }) => {
    // A `stsenv` on PATH, as npm installs it: the function must find it with `command stsenv`.
    bin = stsenvOnPath(home.dir);
    // The profile the user works with before assuming a role.
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      `[work]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
    );
  },
});

/** The shell's environment: base credentials from a profile, stsenv on PATH, no format hint it could rely on. */
function shellEnvironment(extra: NodeJS.ProcessEnv = {}): Record<string, string> {
  return isolatedEnv(sts.home.dir, {
    STSENV_NO_CACHE: '1',
    PATH: `${bin}:${process.env.PATH}`,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: 'work',
    STSENV_SHELL: 'json',
    ROLE,
    POLICY,
    URL: sts.fake.url,
    ...extra,
  }) as Record<string, string>;
}

function vars(stdout: Buffer): Map<string, string> {
  return new Map([...parseEnvDump(stdout)].map(([k, v]) => [k, v.toString('utf8')]));
}

function lastIssued(): IssuedCredentials {
  const issued = sts.fake.issued.at(-1);
  assert.ok(issued, 'the endpoint issued credentials');
  return issued;
}

describe('stsenv init prints the files of shells/', () => {
  const cases: Array<[string, string]> = [
    ['bash', 'stsenv.bash'],
    ['zsh', 'stsenv.bash'],
    ['fish', 'stsenv.fish'],
    ['powershell', 'stsenv.ps1'],
    ['pwsh', 'stsenv.ps1'],
    ['cmd', 'stsenv-env.bat'],
    ['nu', 'stsenv.nu'],
    ['elvish', 'stsenv.elv'],
    ['xonsh', 'stsenv.xsh'],
    ['tcsh', 'stsenv.tcsh'],
    ['csh', 'stsenv.tcsh'],
  ];
  for (const [shell, file] of cases) {
    test(`init ${shell} = shells/${file}`, async () => {
      const result = await runCli(['init', shell], { env: isolatedEnv(sts.home.dir, { STSENV_NO_CACHE: '1' }) });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, readFileSync(new URL(file, SHELLS_DIR), 'utf8'));
    });
  }

  test('the batch file keeps CRLF line endings and never uses setlocal', () => {
    const text = readFileSync(new URL('stsenv-env.bat', SHELLS_DIR), 'utf8');
    assert.equal(text.split('\r\n').length, text.split('\n').length, 'every line ends in CRLF');
    assert.doesNotMatch(text, /^\s*@?setlocal/im);
  });

  test('an unknown shell is a usage error with empty stdout', async () => {
    const result = await runCli(['init', 'rc'], { env: isolatedEnv(sts.home.dir, { STSENV_NO_CACHE: '1' }) });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /no integration for 'rc'.*bash, zsh, fish, powershell, pwsh, cmd, bat, nu, nushell, elvish, elv, xonsh, tcsh, csh/,
    );
  });

  test('an unknown shell that names a property of every object is unknown too', async () => {
    for (const shell of ['constructor', 'toString', '__proto__']) {
      const result = await runCli(['init', shell], { env: isolatedEnv(sts.home.dir, { STSENV_NO_CACHE: '1' }) });
      assert.equal(result.code, 2, `init ${shell}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`no integration for '${shell}'`));
    }
  });

  test("init's table is the format registry's: each shell format with an init function, by name and alias, in order", () => {
    const fromFormats = FORMATS.flatMap((f) =>
      f.kind === 'env' && f.integration ? [f.name, ...f.aliases].map((name) => [name, f.integration]) : [],
    );
    assert.deepEqual(Object.entries(INTEGRATIONS), fromFormats);
  });
});

interface PosixCase {
  shell: 'bash' | 'zsh';
  title: string;
  /** Lines run right after the integration is loaded. */
  setup: string;
}

const POSIX_CASES: PosixCase[] = [
  { shell: 'bash', title: 'bash', setup: '' },
  { shell: 'bash', title: 'bash with set -u', setup: 'set -u' },
  { shell: 'zsh', title: 'zsh', setup: '' },
  // The options that break naive functions: the function must not care.
  {
    shell: 'zsh',
    title: 'zsh with KSH_ARRAYS, SH_WORD_SPLIT, NOUNSET',
    setup: 'setopt KSH_ARRAYS SH_WORD_SPLIT NOUNSET GLOB_SUBST',
  },
];

describe('the bash and zsh function changes the shell it runs in', () => {
  for (const { shell, title, setup } of POSIX_CASES) {
    test(`${title}: assume sets the variables in the same shell`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      sts.fake.reset();
      const script = [
        `eval "$(stsenv init ${shell})"`,
        setup,
        'export AWS_DEFAULT_PROFILE=stale AWS_SECURITY_TOKEN=stale',
        `stsenv assume "$ROLE" --endpoint-url "$URL" --region eu-west-1 --tag 'team=ops and  dev' --policy "$POLICY"`,
        'export TEST_RC=$?',
        // Helper variables must not outlive the call.
        'if set | grep -q "^__stsenv"; then export TEST_LEAK=yes; fi',
        dumpEnvCommand(),
      ].join('\n');
      const result = await runShellScript(shell, script, { env: shellEnvironment() });
      assert.equal(result.code, 0, result.stderr);
      const env = vars(result.stdout);
      assert.equal(env.get('TEST_RC'), '0', result.stderr);
      assert.equal(env.get('TEST_LEAK'), undefined, 'no __stsenv variables left behind');
      assertCredentialEnv(env, lastIssued(), 'eu-west-1');
      // "$@" kept the arguments whole: spaces, quotes and glob characters untouched.
      assert.deepEqual(listStructs(sts.fake.requestsFor('AssumeRole')[0]!.params, 'Tags'), [
        { Key: 'team', Value: 'ops and  dev' },
      ]);
      assert.equal(sts.fake.requestsFor('AssumeRole')[0]!.params.Policy, POLICY);
    });

    test(`${title}: a failing assume changes nothing and returns its exit code`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      sts.fake.reset();
      sts.fake.failNext({ error: 'AccessDenied' });
      const script = [
        `eval "$(stsenv init ${shell})"`,
        setup,
        'export AWS_REGION=ap-south-1',
        'stsenv assume "$ROLE" --endpoint-url "$URL"',
        'export TEST_RC=$?',
        'stsenv assume not-an-arn',
        'export TEST_RC_USAGE=$?',
        dumpEnvCommand(),
      ].join('\n');
      const result = await runShellScript(shell, script, { env: shellEnvironment() });
      const env = vars(result.stdout);
      assert.equal(env.get('TEST_RC'), '1', result.stderr);
      assert.equal(env.get('TEST_RC_USAGE'), '2');
      assert.equal(env.get('AWS_PROFILE'), 'work');
      assert.equal(env.get('AWS_REGION'), 'ap-south-1');
      assert.equal(env.has('AWS_ACCESS_KEY_ID'), false);
      assert.match(result.stderr, /AccessDenied/);
      assert.equal(sts.fake.requestsFor('AssumeRole').length, 1, 'the failed call was made once');
    });

    test(`${title}: --help, --version and other commands pass straight through`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      sts.fake.reset();
      const script = [
        `eval "$(stsenv init ${shell})"`,
        setup,
        'stsenv assume --help; echo "help=$?"',
        'stsenv session -h; echo "h=$?"',
        'stsenv --version',
        'stsenv whoami --endpoint-url "$URL"',
        'stsenv unset --shell fish',
      ].join('\n');
      const result = await runShellScript(shell, script, { env: shellEnvironment() });
      assert.equal(result.code, 0, result.stderr);
      const out = result.stdout.toString('utf8').split('\n');
      assert.equal(out[0], 'help=0');
      assert.equal(out[1], 'h=0');
      assert.match(out[2]!, /^\d+\.\d+\.\d+/);
      assert.match(result.stdout.toString('utf8'), /Arn: +arn:aws:iam::123456789012:user\/base-user/);
      // --shell given by the user: printed, not evaluated.
      assert.match(result.stdout.toString('utf8'), /set -e AWS_ACCESS_KEY_ID; or true;/);
      assert.match(result.stderr, /stsenv assume [<[]role-arn[>\]]/);
      assert.equal(sts.fake.requestsFor('AssumeRole').length, 0);
    });
  }
});

describe('the fish function changes the shell it runs in', () => {
  test('assume sets the variables in the same fish', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    sts.fake.reset();
    const script = [
      'stsenv init fish | source',
      // AWS_SECURITY_TOKEN is not set: erasing it must not turn success into a non-zero status.
      'set -gx AWS_DEFAULT_PROFILE stale',
      `stsenv assume $ROLE --endpoint-url $URL --region eu-west-1 --tag 'team=ops and  dev' --policy "$POLICY"`,
      'set -gx TEST_RC $status',
      'if set -n | string match -q "__stsenv*"; set -gx TEST_LEAK yes; end',
      dumpEnvCommand(),
    ].join('\n');
    const result = await runShellScript('fish', script, { env: shellEnvironment() });
    assert.equal(result.code, 0, result.stderr);
    const env = vars(result.stdout);
    assert.equal(env.get('TEST_RC'), '0', result.stderr);
    assert.equal(env.get('TEST_LEAK'), undefined);
    assertCredentialEnv(env, lastIssued(), 'eu-west-1');
    assert.deepEqual(listStructs(sts.fake.requestsFor('AssumeRole')[0]!.params, 'Tags'), [
      { Key: 'team', Value: 'ops and  dev' },
    ]);
    assert.equal(sts.fake.requestsFor('AssumeRole')[0]!.params.Policy, POLICY);
  });

  test('a failing assume changes nothing and returns its exit code', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    sts.fake.reset();
    sts.fake.failNext({ error: 'ExpiredToken' });
    const script = [
      'stsenv init fish | source',
      'set -gx AWS_REGION ap-south-1',
      'stsenv assume $ROLE --endpoint-url $URL',
      'set -gx TEST_RC $status',
      'stsenv assume not-an-arn',
      'set -gx TEST_RC_USAGE $status',
      dumpEnvCommand(),
    ].join('\n');
    const result = await runShellScript('fish', script, { env: shellEnvironment() });
    const env = vars(result.stdout);
    assert.equal(env.get('TEST_RC'), '1');
    assert.equal(env.get('TEST_RC_USAGE'), '2');
    assert.equal(env.get('AWS_PROFILE'), 'work');
    assert.equal(env.get('AWS_REGION'), 'ap-south-1');
    assert.equal(env.has('AWS_ACCESS_KEY_ID'), false);
  });

  test('--help and other commands pass straight through', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    sts.fake.reset();
    const script = [
      'stsenv init fish | source',
      'stsenv assume --help; echo "help=$status"',
      'stsenv whoami --endpoint-url $URL',
    ].join('\n');
    const result = await runShellScript('fish', script, { env: shellEnvironment() });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.toString('utf8'), /^help=0\n/);
    assert.match(result.stdout.toString('utf8'), /Arn: +arn:aws:iam::123456789012:user\/base-user/);
    assert.match(result.stderr, /stsenv assume [<[]role-arn[>\]]/);
  });
});

describe('the cmd batch file under Wine', () => {
  /**
   * Wine cannot start node: a stub `stsenv.bat` on the Windows PATH stands in.
   * Run with STSENV_EVAL it writes STSENV_EVAL and its arguments to files,
   * prints what the real CLI printed and exits with a chosen code; run
   * without (the batch file running it again), it prints a line and exits 5.
   */
  async function stub(output: string, code: number): Promise<{ dir: string; argsFile: string; evalFile: string }> {
    const dir = join(sts.home.dir, `stub-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    const outputFile = join(dir, 'output.txt');
    const argsFile = join(dir, 'args.txt');
    const evalFile = join(dir, 'eval.txt');
    writeFileSync(outputFile, output);
    writeFileSync(
      join(dir, 'stsenv.bat'),
      [
        '@if not defined STSENV_EVAL goto again',
        `@>"${winePath(evalFile)}" echo %STSENV_EVAL%`,
        `@>"${winePath(argsFile)}" echo %*`,
        `@type "${winePath(outputFile)}"`,
        `@exit /b ${code}`,
        ':again',
        '@echo run again with: %*',
        '@exit /b 5',
        '',
      ].join('\r\n'),
    );
    return { dir, argsFile, evalFile };
  }

  async function batchFile(): Promise<string> {
    const init = await runCli(['init', 'cmd'], { env: isolatedEnv(sts.home.dir, { STSENV_NO_CACHE: '1' }) });
    assert.equal(init.code, 0, init.stderr);
    return scratchFile('.bat', init.stdout).replace(/[^/]+$/, (name) => name);
  }

  test('sets the variables in the calling cmd session', async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    sts.fake.reset();
    const rendered = await runCli(['assume', ROLE, '--shell', 'cmd', '--region', 'eu-west-1'], {
      env: isolatedEnv(sts.home.dir, { STSENV_NO_CACHE: '1', AWS_ENDPOINT_URL_STS: sts.fake.url }),
    });
    assert.equal(rendered.code, 0, rendered.stderr);
    const { dir, argsFile, evalFile } = await stub(rendered.stdout, 0);
    const bat = await batchFile();
    const result = await runCmdBatch([
      '@echo off',
      `set "PATH=${winePath(dir)};%PATH%"`,
      'set "AWS_PROFILE=work"',
      'set "AWS_SECURITY_TOKEN=stale"',
      `call "${winePath(bat)}" assume ${ROLE} --duration 1h`,
      'echo ---dump---',
      'set AWS_',
      'set __stsenv',
    ]);
    assertCredentialEnv(parseCmdDump(result.stdout, 'AWS_'), lastIssued(), 'eu-west-1');
    assert.equal(parseCmdDump(result.stdout, '__stsenv').size, 0, 'the helper variable is removed');
    assert.equal(readFileSync(argsFile, 'utf8').trim(), `assume ${ROLE} --duration 1h`);
    assert.equal(readFileSync(evalFile, 'utf8').trim(), 'cmd');
    assert.doesNotMatch(result.stdout, /STSENV_EVAL/);
  });

  test('stsenv-env refresh: the recorded request repeated, its credentials set, the record kept', async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    sts.fake.reset();
    const env = isolatedEnv(sts.home.dir, {
      STSENV_NO_CACHE: '1',
      AWS_ENDPOINT_URL_STS: sts.fake.url,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: 'work',
    });
    // What `stsenv-env assume` printed: the init function's run (STSENV_EVAL=cmd) records the request.
    const assumed = await runCli(['assume', ROLE, '--duration', '15m'], { env: { ...env, STSENV_EVAL: 'cmd' } });
    assert.equal(assumed.code, 0, assumed.stderr);
    const recorded = /^set "STSENV_REQUEST=([A-Za-z0-9_-]+)"\r$/m.exec(assumed.stdout)?.[1];
    assert.ok(recorded, assumed.stdout);
    // What `stsenv-env refresh` gets from the program in that session (Wine cannot run node: a stub prints it).
    const refreshed = await runCli(['refresh'], {
      env: { ...env, AWS_PROFILE: undefined, STSENV_EVAL: 'cmd', STSENV_REQUEST: recorded },
    });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.match(refreshed.stderr, /^stsenv: refreshed deploy until /);
    const { dir, argsFile } = await stub(refreshed.stdout, 0);
    const bat = await batchFile();
    const result = await runCmdBatch([
      '@echo off',
      `set "PATH=${winePath(dir)};%PATH%"`,
      `call "${winePath(bat)}" refresh`,
      'echo ---dump---',
      'set AWS_',
      'set STSENV_',
    ]);
    assert.equal(readFileSync(argsFile, 'utf8').trim(), 'refresh');
    assertCredentialEnv(parseCmdDump(result.stdout, 'AWS_'), lastIssued());
    assert.equal(parseCmdDump(result.stdout, 'STSENV_').get('STSENV_REQUEST'), recorded);
    assert.equal(sts.fake.requestsFor('AssumeRole').length, 2);
  });

  test('::stsenv-run: the program runs again as it is, its output shown and its exit code returned', async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const { dir, evalFile } = await stub('::stsenv-run\r\n', 0);
    const bat = await batchFile();
    const result = await runCmdBatch([
      '@echo off',
      `set "PATH=${winePath(dir)};%PATH%"`,
      'set "AWS_PROFILE=work"',
      `cmd /c "${winePath(bat)}" --region eu-west-1 whoami`,
      'echo rc=%errorlevel%',
      'echo ---dump---',
      'set AWS_',
      'set __stsenv',
      'set STSENV_EVAL',
    ]);
    assert.equal(readFileSync(evalFile, 'utf8').trim(), 'cmd');
    assert.equal(result.stdout.split('---dump---')[0], 'run again with: --region eu-west-1 whoami\nrc=5\n');
    assert.deepEqual([...parseCmdDump(result.stdout, 'AWS_')], [['AWS_PROFILE', 'work']]);
    assert.equal(parseCmdDump(result.stdout, '__stsenv').size, 0, 'the helper variables are removed');
    assert.equal(parseCmdDump(result.stdout, 'STSENV_EVAL').size, 0, 'STSENV_EVAL was set for the captured run only');
  });

  test("a failure sets nothing and the exit code is stsenv's", async (t) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const { dir } = await stub('', 2);
    const bat = await batchFile();
    const result = await runCmdBatch([
      '@echo off',
      `set "PATH=${winePath(dir)};%PATH%"`,
      'set "AWS_PROFILE=work"',
      // Wine's `call` loses a batch file's exit code; `cmd /c` keeps it.
      `cmd /c "${winePath(bat)}" assume not-an-arn`,
      'echo rc=%errorlevel%',
      `call "${winePath(bat)}" assume not-an-arn`,
      'echo ---dump---',
      'set AWS_',
    ]);
    assert.match(result.stdout, /^rc=2$/m);
    assert.deepEqual([...parseCmdDump(result.stdout, 'AWS_')], [['AWS_PROFILE', 'work']]);
  });
});
