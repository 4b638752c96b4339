/**
 * The init functions: every shell function of
 * `stsenv init` follows one protocol (src/cli/eval-mode.ts). It runs stsenv
 * with STSENV_EVAL set and stsenv alone decides what the command line is, so
 * every command line the program accepts behaves the same through the
 * function whatever the order of its options: credential commands change the
 * shell and print nothing, every other command runs unchanged (stdout and exit
 * code), and a failure changes nothing and returns stsenv's code.
 *
 * Each case runs in the real shell, loading the function as README says (nu:
 * the file `stsenv init nu` prints, sourced; elvish: the script's way, the
 * command taken from eval's namespace). STSENV_SHELL=json in the
 * shells' environment proves the format comes from the function.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ALL_VARIABLES } from '../../src/variables.js';
import { assertCredentialEnv } from '../support/expect-env.js';
import {
  BASE_ACCESS_KEY_ID,
  BASE_SECRET_ACCESS_KEY,
  isolatedEnv,
  runCli,
  stsenvOnPath,
  type CliResult,
} from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import {
  envExecutable,
  isShellRequired,
  parseEnvDump,
  requireShellOrSkip,
  runShellScript,
  scratchFile,
  shQuote,
  which,
  type RunResult,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const PROFILE_ROLE = 'arn:aws:iam::123456789012:role/from-profile';
const INNER_ROLE = 'arn:aws:iam::123456789012:role/inner';

let bin: string;
const sts = useStsFixture({
  setup: ({ home }) => {
    bin = stsenvOnPath(home.dir);
    mkdirSync(join(home.dir, '.aws'));
    // `session` is also a command's name: a function that guessed at commands would take it for one.
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      [
        `[work]`,
        `aws_access_key_id = ${BASE_ACCESS_KEY_ID}`,
        `aws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}`,
        `[session]`,
        `aws_access_key_id = ${BASE_ACCESS_KEY_ID}`,
        `aws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}`,
        '',
      ].join('\n'),
    );
    // A credential_process that runs stsenv, and records whether STSENV_EVAL reached it.
    const processScript = join(home.dir, 'credential-process.sh');
    writeFileSync(
      processScript,
      `#!/bin/sh\nprintf '%s' "\${STSENV_EVAL-unset}" > "$STSENV_TEST_MARKER"\nexec stsenv assume ${INNER_ROLE} --shell json\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(home.dir, '.aws', 'config'),
      [
        `[profile deploy]`,
        `role_arn = ${PROFILE_ROLE}`,
        `source_profile = work`,
        `[profile viaproc]`,
        `credential_process = ${processScript}`,
        '',
      ].join('\n'),
    );
  },
});

// ---------------------------------------------------------------- the shells

interface Dialect {
  /** A shell of test/support/shells.ts, or pwsh. */
  shell: string;
  /** Lines that load the function the way README says. */
  load(): Promise<string[]>;
  /** A line that sets an environment variable (plain test values only). */
  setenv(name: string, value: string): string;
  /** Lines that run `stsenv ARGS` through the function, its stdout to `out` and its exit status (a number) to `status`. */
  call(args: readonly string[], out: string, status: string): string[];
  /** A line that writes the exported environment (env -0) to `file`. */
  dump(file: string): string;
}

/** Writes the exported environment to a file from any shell: sh does it, with no quoting of the shell's own. */
const shDump = (file: string): string => `sh -c 'exec ${envExecutable()} -0 > "$0"' ${shQuote(file)}`;

async function initFile(shell: string, suffix: string): Promise<string> {
  const init = await runCli(['init', shell], { env: isolatedEnv(sts.home.dir) });
  assert.equal(init.code, 0, init.stderr);
  return scratchFile(suffix, init.stdout);
}

const fishQuote = (value: string): string => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
const psQuote = (value: string): string => `'${value.replaceAll("'", "''")}'`;

function posixDialect(shell: 'bash' | 'zsh'): Dialect {
  return {
    shell,
    load: async () => [`eval "$(stsenv init ${shell})"`],
    setenv: (name, value) => `export ${name}=${shQuote(value)}`,
    call: (args, out, status) => [
      `stsenv ${args.map(shQuote).join(' ')} > ${shQuote(out)}`,
      `echo $? > ${shQuote(status)}`,
    ],
    dump: (file) => `${shQuote(envExecutable())} -0 > ${shQuote(file)}`,
  };
}

const DIALECTS: Dialect[] = [
  posixDialect('bash'),
  posixDialect('zsh'),
  {
    shell: 'fish',
    load: async () => ['stsenv init fish | source'],
    setenv: (name, value) => `set -gx ${name} ${fishQuote(value)}`,
    call: (args, out, status) => [
      `stsenv ${args.map(fishQuote).join(' ')} > ${fishQuote(out)}`,
      `echo $status > ${fishQuote(status)}`,
    ],
    dump: (file) => `${fishQuote(envExecutable())} -0 > ${fishQuote(file)}`,
  },
  {
    shell: 'pwsh',
    load: async () => ['Invoke-Expression (& stsenv init powershell | Out-String)'],
    setenv: (name, value) => `$env:${name} = ${psQuote(value)}`,
    call: (args, out, status) => [
      `stsenv ${args.map(psQuote).join(' ')} > ${psQuote(out)}`,
      `Set-Content -LiteralPath ${psQuote(status)} -Value $LASTEXITCODE`,
    ],
    dump: (file) => `& ${shDump(file)}`,
  },
  {
    shell: 'nu',
    // nu sources files only: the file `stsenv init nu` prints, as README installs it.
    load: async () => [`source ${psQuote(await initFile('nu', '.nu'))}`],
    setenv: (name, value) => `$env.${name} = ${psQuote(value)}`,
    // A failure is an error carrying the exit code; null (nothing printed) is saved as an empty file.
    call: (args, out, status) => [
      `let status = (try { stsenv ${args.map(psQuote).join(' ')} | default '' | save --force --raw ${psQuote(out)}; 0 } catch {|e| $e.exit_code? | default 1 })`,
      `$status | into string | save --force ${psQuote(status)}`,
    ],
    dump: (file) => `^${shDump(file)}`,
  },
  {
    shell: 'elvish',
    // A script has no edit:add-var (the REPL's): it takes the command from eval's namespace, as README shows.
    load: async () => ['var stsenv~', 'eval (e:stsenv init elvish | slurp) &on-end={|ns| set stsenv~ = $ns[stsenv~] }'],
    setenv: (name, value) => `set-env ${name} ${psQuote(value)}`,
    call: (args, out, status) => [
      `try { stsenv ${args.map(psQuote).join(' ')} > ${psQuote(out)}; echo 0 > ${psQuote(status)} } catch e { echo $e[reason][exit-status] > ${psQuote(status)} }`,
    ],
    dump: (file) => shDump(file),
  },
  {
    shell: 'xonsh',
    load: async () => ['execx($(stsenv init xonsh))'],
    setenv: (name, value) => `$${name} = ${psQuote(value)}`,
    call: (args, out, status) => [
      `__status = ![stsenv ${args.map(psQuote).join(' ')} > ${psQuote(out)}].returncode`,
      `open(${psQuote(status)}, 'w').write(str(__status))`,
    ],
    dump: (file) => shDump(file),
  },
  ...(['tcsh', 'csh'] as const).map(
    (shell): Dialect => ({
      shell,
      load: async () => ['eval "`stsenv init tcsh`"'],
      setenv: (name, value) => `setenv ${name} ${shQuote(value)}`,
      // Through a pipe: csh applies a redirection of an alias to its last command only, which the alias refuses.
      call: (args, out, status) => [
        `stsenv ${args.map(shQuote).join(' ')} | cat > ${shQuote(out)}`,
        `echo $status > ${shQuote(status)}`,
      ],
      dump: (file) => shDump(file),
    }),
  ),
];

/** pwsh is not a Debian package: PATH, then where `dotnet tool install --global PowerShell` puts it. */
function findPwsh(): string | undefined {
  return which('pwsh') ?? which(join(process.env.HOME ?? homedir(), '.dotnet', 'tools', 'pwsh'));
}

function shellOrSkip(t: TestContext, shell: string): boolean {
  if (shell !== 'pwsh') return requireShellOrSkip(t, shell) !== undefined;
  if (findPwsh()) return true;
  if (isShellRequired('pwsh'))
    assert.fail('pwsh not installed (not on PATH nor in ~/.dotnet/tools), and STSENV_REQUIRE_SHELLS requires it');
  t.skip('pwsh not installed');
  return false;
}

function runPwsh(script: string, env: Record<string, string>): Promise<RunResult> {
  const file = scratchFile('.ps1', script);
  return new Promise((resolve, reject) => {
    execFile(
      findPwsh()!,
      ['-NoProfile', '-NonInteractive', '-File', file],
      { env, encoding: 'buffer', timeout: 120_000 },
      (error, stdout, stderr) => {
        const err = error as (Error & { code?: unknown }) | null;
        if (err && typeof err.code === 'string') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, signal: null, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}

// ---------------------------------------------------------------- running

interface Step {
  args: readonly string[];
}

interface StepResult {
  stdout: string;
  status: number;
  env: Map<string, string>;
}

/** The shells' environment: base credentials from profile `work`, stsenv on PATH, a format hint the functions must override. */
function shellEnvironment(extra: NodeJS.ProcessEnv = {}): Record<string, string> {
  return isolatedEnv(sts.home.dir, {
    PATH: `${bin}:${process.env.PATH}`,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    STSENV_SHELL: 'json',
    // xonsh and nu keep their data under HOME; elvish its daemon socket.
    XDG_RUNTIME_DIR: sts.home.dir,
    ...extra,
  }) as Record<string, string>;
}

let runs = 0;

/** Runs the steps one after the other in one process of the shell, with `setup` variables set after loading the function. */
async function runSteps(
  dialect: Dialect,
  setup: Record<string, string>,
  steps: readonly Step[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ results: StepResult[]; run: RunResult }> {
  const dir = join(sts.home.dir, `run-${dialect.shell}-${++runs}`);
  mkdirSync(dir);
  const file = (i: number, what: string) => join(dir, `${i}.${what}`);
  const lines = [
    ...(await dialect.load()),
    ...Object.entries(setup).map(([name, value]) => dialect.setenv(name, value)),
  ];
  for (const [i, step] of steps.entries())
    lines.push(...dialect.call(step.args, file(i, 'out'), file(i, 'status')), dialect.dump(file(i, 'env')));
  const script = `${lines.join('\n')}\n`;
  const env = shellEnvironment(extraEnv);
  const run =
    dialect.shell === 'pwsh'
      ? await runPwsh(script, env)
      : await runShellScript(dialect.shell, script, { env, cwd: dir });
  const results = steps.map((_, i) => {
    assert.ok(
      existsSync(file(i, 'env')),
      `${dialect.shell}: step ${i} ran to the end (exit ${run.code}, stderr: ${run.stderr})`,
    );
    return {
      stdout: existsSync(file(i, 'out')) ? readFileSync(file(i, 'out'), 'utf8') : '',
      status: Number(readFileSync(file(i, 'status'), 'utf8').trim()),
      env: new Map([...parseEnvDump(readFileSync(file(i, 'env')))].map(([k, v]) => [k, v.toString('utf8')])),
    };
  });
  return { results, run };
}

function lastIssued() {
  const issued = sts.fake.issued.at(-1);
  assert.ok(issued, 'the endpoint issued credentials');
  return issued;
}

/** The program run directly, once, for the command lines every function must pass through unchanged. */
let directRuns: Promise<CliResult[]> | undefined;

const STALE = { AWS_PROFILE: 'work', AWS_DEFAULT_PROFILE: 'stale', AWS_SECURITY_TOKEN: 'stale' };

// ---------------------------------------------------------------- the cases

for (const dialect of DIALECTS) {
  describe(`the ${dialect.shell} function`, () => {
    test('credential commands change the shell whatever the order of options, and print nothing', async (t) => {
      if (!shellOrSkip(t, dialect.shell)) return;
      const cases: Array<{
        args: string[];
        setup?: Record<string, string>;
        check: (r: StepResult, stderr: string) => void;
      }> = [
        {
          args: ['--region', 'eu-west-1', 'assume', ROLE],
          check: (r) => assertCredentialEnv(r.env, lastIssued(), 'eu-west-1'),
        },
        {
          args: ['--debug', 'assume', ROLE, '--session-name', 'through-function'],
          check: (r, stderr) => {
            assertCredentialEnv(r.env, lastIssued());
            assert.match(stderr, /stsenv: debug: /);
            assert.equal(sts.fake.requestsFor('AssumeRole')[0]!.params.RoleSessionName, 'through-function');
          },
        },
        {
          args: ['assume', '--profile', 'deploy'],
          check: (r) => {
            assertCredentialEnv(r.env, lastIssued());
            assert.equal(sts.fake.requestsFor('AssumeRole')[0]!.params.RoleArn, PROFILE_ROLE);
          },
        },
        {
          args: ['export', '--profile', 'work'],
          check: (r) => {
            assert.equal(r.env.get('AWS_ACCESS_KEY_ID'), BASE_ACCESS_KEY_ID);
            assert.equal(r.env.get('AWS_SECRET_ACCESS_KEY'), BASE_SECRET_ACCESS_KEY);
            for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'])
              assert.equal(r.env.has(name), false, name);
          },
        },
        {
          args: ['--region', 'us-west-2', 'session'],
          check: (r) => assertCredentialEnv(r.env, lastIssued(), 'us-west-2'),
        },
        {
          args: ['unset'],
          setup: {
            AWS_ACCESS_KEY_ID: 'AKIDOLD',
            AWS_SECRET_ACCESS_KEY: 'old',
            AWS_SESSION_TOKEN: 'old',
            AWS_REGION: 'eu-west-1',
            STSENV_REGION: 'eu-west-1',
          },
          check: (r) => {
            for (const name of ALL_VARIABLES) assert.equal(r.env.has(name), false, `${name} is cleared`);
          },
        },
      ];
      for (const { args, setup, check } of cases) {
        sts.fake.reset();
        const { results, run } = await runSteps(dialect, { ...STALE, ...setup }, [{ args }]);
        const [result] = results as [StepResult];
        assert.equal(result.status, 0, `stsenv ${args.join(' ')}: ${run.stderr}`);
        assert.equal(result.stdout, '', `stsenv ${args.join(' ')} printed on the terminal`);
        check(result, run.stderr);
        assert.equal(result.env.has('STSENV_EVAL'), false, 'STSENV_EVAL is set for one run only');
      }
    });

    test('every other command runs unchanged: its stdout and exit code', async (t) => {
      if (!shellOrSkip(t, dialect.shell)) return;
      sts.fake.reset();
      const steps: Step[] = [
        { args: ['whoami'] },
        // A profile named like a command: only the program knows `whoami` is the command.
        { args: ['--profile', 'session', 'whoami'] },
        { args: ['cache', 'list'] },
        { args: ['--help'] },
        { args: ['assume', '--version'] },
        { args: ['cache', 'nope'] },
        { args: ['assume', ROLE, '--shell', 'json'] },
        { args: ['--debug', 'unset', '-s', 'fish'] },
      ];
      const { results, run } = await runSteps(dialect, { AWS_PROFILE: 'work' }, steps);
      directRuns ??= Promise.all(
        steps.slice(0, 6).map((step) => runCli(step.args, { env: shellEnvironment({ AWS_PROFILE: 'work' }) })),
      );
      for (const [i, step] of steps.slice(0, 6).entries()) {
        const direct: CliResult = (await directRuns)[i]!;
        assert.equal(results[i]!.status, direct.code, `stsenv ${step.args.join(' ')}: ${run.stderr}`);
        assert.equal(results[i]!.stdout, direct.stdout, `stsenv ${step.args.join(' ')} prints what the program prints`);
      }
      assert.match(results[1]!.stdout, /^Account: +123456789012$/m);
      assert.match(results[4]!.stdout, /^\d+\.\d+\.\d+/);
      assert.equal(results[5]!.status, 2);
      const json = JSON.parse(results[6]!.stdout) as { Version: number; AccessKeyId: string };
      assert.equal(json.Version, 1);
      assert.equal(json.AccessKeyId, lastIssued().accessKeyId);
      assert.match(results[7]!.stdout, /^set -e AWS_ACCESS_KEY_ID; or true;$/m);
      for (const result of results) {
        assert.equal(result.env.get('AWS_PROFILE'), 'work', 'nothing was evaluated');
        assert.equal(result.env.has('AWS_ACCESS_KEY_ID'), false, 'nothing was evaluated');
      }
      assert.match(run.stderr, /stsenv <command>/, 'help went to stderr');
    });

    test("a failure changes nothing and returns stsenv's exit code", async (t) => {
      if (!shellOrSkip(t, dialect.shell)) return;
      sts.fake.reset();
      sts.fake.failNext({ error: 'AccessDenied' });
      const { results, run } = await runSteps(dialect, { ...STALE, AWS_REGION: 'ap-south-1' }, [
        { args: ['assume', ROLE] },
        { args: ['--region', 'eu-west-1', 'assume', 'not-an-arn'] },
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        [1, 2],
        run.stderr,
      );
      for (const result of results) {
        assert.equal(result.stdout, '');
        assert.equal(result.env.get('AWS_PROFILE'), 'work');
        assert.equal(result.env.get('AWS_REGION'), 'ap-south-1');
        assert.equal(result.env.has('AWS_ACCESS_KEY_ID'), false);
      }
      assert.match(run.stderr, /AccessDenied/);
      assert.equal(sts.fake.requestsFor('AssumeRole').length, 1, 'the failed call was made once');
    });

    test('a credential_process that runs stsenv does not inherit STSENV_EVAL', async (t) => {
      if (!shellOrSkip(t, dialect.shell)) return;
      sts.fake.reset();
      const marker = join(sts.home.dir, `marker-${dialect.shell}`);
      const { results, run } = await runSteps(
        dialect,
        { AWS_PROFILE: 'work' },
        [{ args: ['--profile', 'viaproc', 'assume', ROLE] }],
        { STSENV_TEST_MARKER: marker },
      );
      assert.equal(readFileSync(marker, 'utf8'), 'unset', 'STSENV_EVAL reached the credential_process');
      assert.equal(results[0]!.status, 0, run.stderr);
      assert.equal(results[0]!.stdout, '');
      assertCredentialEnv(results[0]!.env, lastIssued());
      assert.deepEqual(
        sts.fake.requestsFor('AssumeRole').map((r) => r.params.RoleArn),
        [INNER_ROLE, ROLE],
      );
    });
  });
}

describe('the functions parse no option', () => {
  // What the functions used to look for, to guess at commands: the program decides now.
  const OPTION_WORDS = /--help|--version|--shell|\bassume\b|web-identity|\b-s\b/;
  for (const file of [
    'stsenv.bash',
    'stsenv.fish',
    'stsenv.ps1',
    'stsenv-env.bat',
    'stsenv.nu',
    'stsenv.elv',
    'stsenv.xsh',
    'stsenv.tcsh',
  ]) {
    test(file, () => {
      const code = readFileSync(new URL(`../../shells/${file}`, import.meta.url), 'utf8')
        .split(/\r?\n/)
        .filter((line) => !/^\s*(#|@rem)/.test(line))
        .join('\n');
      assert.doesNotMatch(code, OPTION_WORDS);
      assert.match(code, /STSENV_EVAL/);
      assert.match(code, /::stsenv-run/);
    });
  }
});
