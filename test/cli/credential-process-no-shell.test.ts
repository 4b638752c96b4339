/**
 * A profile's credential_process run by stsenv itself, as the AWS CLI runs
 * it: the line split by botocore's rules (Python's shlex) with no shell, so
 * `;`, `|`, `$(...)` and backquotes are words passed on as they are; its
 * JSON read as botocore reads it; a failure one line naming the profile,
 * never what the process printed on stdout.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { isolatedEnv, runCli } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const PROCESS_KEY = 'AKIDNOSHELLPROCESS01';
const PROCESS_SECRET = 'no-shell/process+SECRET0000000000000000';
const ROLE = 'arn:aws:iam::123456789012:role/after-process';

let dir: string;
let argsFile: string;
let canary: string;

const sts = useStsFixture({
  setup: ({ home }) => {
    dir = join(home.dir, 'conf');
    mkdirSync(dir);
    argsFile = join(dir, 'args.json');
    canary = join(dir, 'canary');
    // Records the words it was given, then prints credentials (or what the test asks for).
    const script = join(dir, 'process.mjs');
    writeFileSync(
      script,
      [
        `import { writeFileSync } from 'node:fs';`,
        `writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));`,
        `if (process.env.PROCESS_OUTPUT !== undefined) process.stdout.write(process.env.PROCESS_OUTPUT);`,
        `else process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: '${PROCESS_KEY}', SecretAccessKey: '${PROCESS_SECRET}', SessionToken: 'process-token', Expiration: '2099-01-01T00:00:00Z' }));`,
        `if (process.env.PROCESS_STDERR) process.stderr.write(process.env.PROCESS_STDERR);`,
        `process.exitCode = Number(process.env.PROCESS_EXIT ?? 0);`,
        '',
      ].join('\n'),
    );
    const node = process.execPath;
    writeFileSync(
      join(dir, 'config'),
      [
        '[profile shelly]',
        // The ini reader takes ` ;` and ` #` as the start of a comment, as botocore's does: `;` here follows a word.
        `credential_process = ${node} ${script} "two words" 'single quoted' x;touch ${canary} $(touch ${canary}) | tee ${canary} \`touch ${canary}\` && rm -rf ${dir} > ${canary}`,
        '[profile plain]',
        `credential_process = ${node} ${script}`,
        '[profile chained]',
        `role_arn = ${ROLE}`,
        'source_profile = plain',
        '[default]',
        `credential_process = ${node} ${script} from-default`,
        '',
      ].join('\n'),
    );
  },
});

beforeEach(() => {
  sts.fake.reset();
  rmSync(argsFile, { force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  });
}

function args(): string[] {
  return JSON.parse(readFileSync(argsFile, 'utf8')) as string[];
}

describe('credential_process run by stsenv, without a shell', () => {
  test('shell syntax is not interpreted: every word reaches the process as written, quoted words with spaces as one', async () => {
    const run = await runCli(['export', '--profile', 'shelly', '--shell', 'json'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).AccessKeyId, PROCESS_KEY);
    assert.equal(existsSync(canary), false, 'a shell ran part of the line');
    assert.deepEqual(args(), [
      'two words',
      'single quoted',
      'x;touch',
      canary,
      '$(touch',
      `${canary})`,
      '|',
      'tee',
      canary,
      '`touch',
      `${canary}\``,
      '&&',
      'rm',
      '-rf',
      dir,
      '>',
      canary,
    ]);
  });

  test('its credentials sign the first request, a role profile sourcing it too', async () => {
    const direct = await runCli(['assume', ROLE, '--profile', 'plain', '--no-cache', '--shell', 'json'], {
      env: env(),
    });
    assert.equal(direct.code, 0, direct.stderr);
    const chained = await runCli(['assume', '--profile', 'chained', '--no-cache', '--shell', 'json'], { env: env() });
    assert.equal(chained.code, 0, chained.stderr);
    assert.deepEqual(
      sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
      [
        ['AssumeRole', PROCESS_KEY],
        ['AssumeRole', PROCESS_KEY],
      ],
    );
  });

  test("profile default's credential_process, reached by the default chain, runs the same way", async () => {
    const run = await runCli(['assume', ROLE, '--no-cache', '--shell', 'json'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(args(), ['from-default']);
    assert.equal(sts.fake.requests[0]?.accessKeyId, PROCESS_KEY);
  });

  test('the process gets the loop guard: STSENV_RESOLVING_PROFILES names the profile', async () => {
    const run = await runCli(['export', '--profile', 'plain', '--shell', 'json'], {
      env: env({ STSENV_RESOLVING_PROFILES: 'plain' }),
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /a credential_process loop: profile 'plain'/);
    assert.equal(existsSync(argsFile), false, 'the process ran');
  });

  const failures: Array<{ name: string; extra: NodeJS.ProcessEnv; message: RegExp }> = [
    {
      name: 'a non-zero exit: its last stderr line, not its stdout',
      extra: { PROCESS_EXIT: '3', PROCESS_STDERR: 'token expired\n\x1b]0;title\x07please log in\n' },
      message:
        /^stsenv: error: credential_process of profile 'plain' failed \(exit code 3\): \\x1b\]0;title\\x07please log in \(run the command by hand to see why\)$/,
    },
    {
      name: 'not JSON',
      extra: { PROCESS_OUTPUT: `AccessKeyId=${PROCESS_KEY} ${PROCESS_SECRET}` },
      message: /the output of credential_process of profile 'plain' is not JSON/,
    },
    {
      name: 'Version 2',
      extra: {
        PROCESS_OUTPUT: JSON.stringify({ Version: 2, AccessKeyId: PROCESS_KEY, SecretAccessKey: PROCESS_SECRET }),
      },
      message: /credential_process of profile 'plain' has a Version other than 1/,
    },
    {
      name: 'no SecretAccessKey',
      extra: { PROCESS_OUTPUT: JSON.stringify({ Version: 1, AccessKeyId: PROCESS_KEY, SessionToken: PROCESS_SECRET }) },
      message: /credential_process of profile 'plain' has no SecretAccessKey/,
    },
    {
      name: 'an unreadable Expiration',
      extra: {
        PROCESS_OUTPUT: JSON.stringify({
          Version: 1,
          AccessKeyId: PROCESS_KEY,
          SecretAccessKey: PROCESS_SECRET,
          Expiration: 'soon',
        }),
      },
      message: /credential_process of profile 'plain' has an unreadable Expiration/,
    },
    {
      name: 'expired credentials',
      extra: {
        PROCESS_OUTPUT: JSON.stringify({
          Version: 1,
          AccessKeyId: PROCESS_KEY,
          SecretAccessKey: PROCESS_SECRET,
          Expiration: '2001-01-01T00:00:00Z',
        }),
      },
      message: /credential_process of profile 'plain' gave credentials that expired at 2001-01-01T00:00:00.000Z/,
    },
  ];
  for (const { name, extra, message } of failures) {
    test(`a failing process (${name}): one line naming the profile, exit 1, nothing on stdout, no secret`, async () => {
      const run = await runCli(['export', '--profile', 'plain', '--shell', 'json'], { env: env(extra) });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, message);
      assert.ok(!run.stderr.includes(PROCESS_SECRET) && !run.stderr.includes('\x1b'), run.stderr);
    });
  }

  test('a process that is not there: named before anything is sent', async () => {
    writeFileSync(join(dir, 'missing-config'), '[profile gone]\ncredential_process = /nonexistent/creds --x\n');
    const run = await runCli(['assume', ROLE, '--profile', 'gone', '--no-cache'], {
      env: env({ AWS_CONFIG_FILE: join(dir, 'missing-config') }),
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /credential_process of profile 'gone': .*\/nonexistent\/creds/);
    assert.equal(sts.fake.requests.length, 0);
  });
});

describe("the line's words on Windows, as botocore splits a credential_process there", () => {
  // Each case checked against botocore's own compat_shell_split(line, 'win32').
  const cases: Array<[string, string[]]> = [
    ['C:\\Tools\\creds.exe --a "b c"', ['C:\\Tools\\creds.exe', '--a', 'b c']],
    ['"C:\\Program Files\\x.cmd" a\\\\"b c" d', ['C:\\Program Files\\x.cmd', 'a\\b c', 'd']],
    ['a\\\\\\"b', ['a\\"b']],
    ['"" x', ['', 'x']],
    ['a\\\\ b\\', ['a\\\\', 'b\\']],
    ['  a\t\tb  ', ['a', 'b']],
    ['x"y z"w', ['xy zw']],
    ['a & b | c ; $(d) > e', ['a', '&', 'b', '|', 'c', ';', '$(d)', '>', 'e']],
  ];
  for (const [line, words] of cases) {
    test(JSON.stringify(line), async () => {
      const { splitWindowsCommandLine } = await import('../../src/exec/windows-split.js');
      assert.deepEqual(splitWindowsCommandLine(line), words);
    });
  }

  test('a quote left open is refused, naming the setting', async () => {
    const { splitCommandLine } = await import('../../src/exec/helper-command.js');
    assert.throws(
      () => splitCommandLine('creds "open', "credential_process of profile 'p'", true),
      /cannot read credential_process of profile 'p'/,
    );
    assert.deepEqual(splitCommandLine('C:\\a\\b.exe x', 'w', true), ['C:\\a\\b.exe', 'x']);
    assert.deepEqual(splitCommandLine('C:\\a\\b.exe x', 'w'), ['C:ab.exe', 'x'], 'POSIX rules elsewhere, as botocore');
  });
});
