/**
 * The profile picker (README "The profile picker"): `stsenv assume` with neither a role nor
 * --profile, on a terminal, lists the role profiles on the terminal itself,
 * filtered as the user types (as granted filters); Enter assumes the one
 * picked exactly as `--profile NAME` would; Esc and Ctrl-C cancel (130).
 * Driven on a real pseudo-terminal (util-linux `script`, test/support/pty.ts)
 * against the loopback fake STS; stdout and stderr go to files, so the
 * terminal shows only what was drawn on /dev/tty.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { Profiles } from '../../src/config/shared-files.js';
import { pickerEntries } from '../../src/picker/entries.js';
import { matchesFilter } from '../../src/picker/match.js';
import { assertCredentialEnv } from '../support/expect-env.js';
import {
  HIDE_CURSOR,
  KEYS,
  SHOW_CURSOR,
  screenText,
  scriptExecutable,
  startPty,
  type PtySession,
} from '../support/pty.js';
import { CLI, isolatedEnv, runCli, stsenvOnPath } from '../support/run-cli.js';
import { dumpEnvCommand, parseEnvDump, requireShellOrSkip, shQuote } from '../support/shells.js';
import { useStsFixture } from '../support/sts-fixture.js';

const BASE_KEY = 'AKIDPICKERBASE000001';
const ROLES = {
  'dev-deploy': 'arn:aws:iam::111111111111:role/deploy',
  'dev-readonly': 'arn:aws:iam::111111111111:role/readonly',
  'prod-admin': 'arn:aws:iam::222222222222:role/admin',
  'prod-readonly': 'arn:aws:iam::222222222222:role/readonly',
} as const;

function configText(): string {
  return [
    '[profile base]',
    'region = eu-west-1',
    '[profile dev-deploy]',
    `role_arn = ${ROLES['dev-deploy']}`,
    'source_profile = base',
    'region = us-east-1',
    '[profile dev-readonly]',
    `role_arn = ${ROLES['dev-readonly']}`,
    'source_profile = base',
    // A chain: prod-admin is assumed with dev-deploy's credentials.
    '[profile prod-admin]',
    `role_arn = ${ROLES['prod-admin']}`,
    'source_profile = dev-deploy',
    'region = eu-central-1',
    'duration_seconds = 1800',
    '[profile prod-readonly]',
    `role_arn = ${ROLES['prod-readonly']}`,
    'source_profile = base',
    '',
  ].join('\n');
}

let bin: string;
const sts = useStsFixture({
  eachTest: true,
  setup: ({ home }) => {
    bin = stsenvOnPath(home.dir);
    mkdirSync(join(home.dir, '.aws'));
    writeFileSync(join(home.dir, '.aws', 'config'), configText());
    writeFileSync(
      join(home.dir, '.aws', 'credentials'),
      `[base]\naws_access_key_id = ${BASE_KEY}\naws_secret_access_key = base/secret\n`,
    );
  },
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, {
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    PATH: `${bin}:${process.env.PATH}`,
    ...extra,
  });
}

function pty(
  t: TestContext,
  command: string,
  extra: NodeJS.ProcessEnv = {},
  size?: { columns: number; rows: number },
): PtySession | undefined {
  const script = scriptExecutable();
  if (!script) {
    t.skip('script (util-linux) is not installed');
    return undefined;
  }
  return startPty(script, command, env(extra), size);
}

interface PickerRun {
  session: PtySession;
  /** What stsenv wrote to stdout and stderr, and the terminal's settings (stty -g) before and after. */
  files(): { stdout: string; stderr: string; sttyBefore: string; sttyAfter: string };
  /** stsenv's process ID. */
  pid(): number;
}

/** `stsenv assume ARGS` on a pseudo-terminal, its stdout and stderr in files. */
function runPicker(
  t: TestContext,
  args: string[] = [],
  extra: NodeJS.ProcessEnv = {},
  size?: { columns: number; rows: number },
): PickerRun | undefined {
  const dir = sts.home.dir;
  const [out, err, before, after, pid] = ['out', 'err', 'stty-before', 'stty-after', 'pid'].map((name) =>
    join(dir, name),
  ) as [string, string, string, string, string];
  const stsenv = [
    '/bin/sh',
    '-c',
    `echo $$ > ${shQuote(pid)}; exec "$@"`,
    'sh',
    process.execPath,
    CLI,
    'assume',
    ...args,
  ];
  const command = [
    `stty -g > ${shQuote(before)}`,
    `${stsenv.map(shQuote).join(' ')} > ${shQuote(out)} 2> ${shQuote(err)}`,
    'code=$?',
    `stty -g > ${shQuote(after)}`,
    'exit $code',
  ].join('; ');
  const session = pty(t, command, extra, size);
  if (!session) return undefined;
  const read = (file: string) => readFileSync(file, 'utf8');
  return {
    session,
    files: () => ({ stdout: read(out), stderr: read(err), sttyBefore: read(before), sttyAfter: read(after) }),
    pid: () => Number(read(pid)),
  };
}

/** The line of `profile` drawn as the one selected (clack's radio mark, or its ASCII stand-in). */
const selected = (profile: string) => new RegExp(`[●>] ${profile}\\b`);

/** The picker's first frame: the question and the key help, raw mode on. */
const SHOWN = /Role profile to assume[\s\S]*Enter/;

/** export NAME='value'; lines (STSENV_SHELL=sh) as a map; every line must be one of stsenv's. */
function exportedLines(stdout: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const set = /^export ([A-Z_]+)='([^']*)';$/.exec(line);
    if (set) vars.set(set[1]!, set[2]!);
    else assert.match(line, /^unset [A-Z_]+;$/, `stdout holds only credential lines: ${JSON.stringify(line)}`);
  }
  return vars;
}

/** Each STS request as what --profile must reproduce: the action, who signed it, and its parameters but the session name (it holds the time). */
function requestShapes(): unknown[] {
  const issued = sts.fake.issued.map((c) => c.accessKeyId);
  return sts.fake.requests.map((r) => {
    const { RoleSessionName, ...params } = r.params;
    return {
      signer: r.accessKeyId === BASE_KEY ? 'base' : `issued#${issued.indexOf(r.accessKeyId!)}`,
      params,
      session: RoleSessionName?.replace(/\d+$/, 'TIME'),
    };
  });
}

function assertTerminalRestored(run: PickerRun): void {
  const { sttyBefore, sttyAfter } = run.files();
  assert.equal(sttyAfter, sttyBefore, 'the terminal settings are as they were (raw mode off)');
  const raw = run.session.raw;
  assert.ok(raw.includes(HIDE_CURSOR), 'the picker hid the cursor while drawing');
  assert.ok(raw.lastIndexOf(SHOW_CURSOR) > raw.lastIndexOf(HIDE_CURSOR), 'and showed it again');
}

/** Ended without a pick: that exit code, nothing on stdout, nothing asked of STS, the terminal as it was. */
async function assertCancelled(run: PickerRun, code: number): Promise<void> {
  assert.equal(await run.session.exit, code);
  assert.equal(run.files().stdout, '');
  assert.equal(sts.fake.requests.length, 0);
  assertTerminalRestored(run);
}

describe('the picker on a terminal', () => {
  test('lists the role profiles with role ARN and region; typing filters as granted does; Enter assumes the one left exactly as --profile would', async (t) => {
    const run = runPicker(t);
    if (!run) return;
    await run.session.waitFor(SHOWN);
    const first = screenText(run.session.raw);
    for (const [name, arn] of Object.entries(ROLES))
      assert.match(first, new RegExp(`${name}\\s+${arn}`), `${name} is listed with its role ARN`);
    assert.match(first, /prod-admin\s+\S+\s+eu-central-1/, 'and its region');
    assert.doesNotMatch(first, /\bbase\b/, 'a profile without role_arn is not listed');
    // Two words, in any order, each anywhere in the line: granted's filter.
    await run.session.press('admin 2222', /\(1 match\)/);
    await run.session.press(KEYS.enter);
    assert.equal(await run.session.exit, 0, run.files().stderr);

    const { stdout, stderr } = run.files();
    const vars = exportedLines(stdout);
    assertCredentialEnv(vars, sts.fake.issued.at(-1)!, 'eu-central-1');
    assert.equal(stderr, '', 'nothing on stderr either');
    assert.equal(sts.fake.requests.at(-1)!.params.RoleArn, ROLES['prod-admin']);
    assert.equal(sts.fake.requests.at(-1)!.params.DurationSeconds, '1800', "the profile's own settings");
    assertTerminalRestored(run);

    // The same requests, and the same lines, as `stsenv assume --profile prod-admin`.
    const picked = requestShapes();
    sts.fake.reset();
    const direct = await runCli(['assume', '--profile', 'prod-admin'], { env: env() });
    assert.equal(direct.code, 0, direct.stderr);
    assert.deepEqual(picked, requestShapes());
    assert.equal(picked.length, 2, 'a chain of two hops: dev-deploy, then prod-admin');
    assert.deepEqual([...vars.keys()], [...exportedLines(direct.stdout).keys()]);
  });

  test('the arrow keys move, Enter picks the one selected', async (t) => {
    const run = runPicker(t);
    if (!run) return;
    await run.session.waitFor(SHOWN);
    // Sorted by name: dev-deploy, dev-readonly, prod-admin, prod-readonly.
    await run.session.press(KEYS.down, selected('dev-readonly'));
    await run.session.press(KEYS.down, selected('prod-admin'));
    await run.session.press(KEYS.down, selected('prod-readonly'));
    await run.session.press(KEYS.up, selected('prod-admin'));
    await run.session.press(KEYS.enter);
    assert.equal(await run.session.exit, 0, run.files().stderr);
    assert.equal(sts.fake.requests.at(-1)!.params.RoleArn, ROLES['prod-admin']);
    assertCredentialEnv(exportedLines(run.files().stdout), sts.fake.issued.at(-1)!, 'eu-central-1');
  });

  test('a filter, then the arrows within what it left', async (t) => {
    const run = runPicker(t);
    if (!run) return;
    await run.session.waitFor(SHOWN);
    await run.session.press('READONLY', /\(2 matches\)/);
    await run.session.press(KEYS.down, selected('prod-readonly'));
    await run.session.press(KEYS.enter);
    assert.equal(await run.session.exit, 0, run.files().stderr);
    assert.equal(sts.fake.requests.at(-1)!.params.RoleArn, ROLES['prod-readonly']);
    const vars = exportedLines(run.files().stdout);
    assertCredentialEnv(vars, sts.fake.issued.at(-1)!, undefined);
  });

  test('a long list scrolls: the last profiles are off screen until the selection reaches them', async (t) => {
    const names = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
    writeFileSync(
      join(sts.home.dir, '.aws', 'config'),
      `${names.map((name, i) => `[profile ${name}]\nrole_arn = arn:aws:iam::123456789012:role/r${i}\nsource_profile = base\n`).join('')}[profile base]\n`,
    );
    const run = runPicker(t, [], {}, { columns: 100, rows: 24 });
    if (!run) return;
    await run.session.waitFor(SHOWN);
    const first = screenText(run.session.raw);
    assert.match(first, /team-00/);
    assert.doesNotMatch(first, /team-3\d/, 'the end of the list is not drawn at first');
    for (let i = 1; i <= 35; i++) await run.session.press(KEYS.down, selected(names[i]!));
    await run.session.press(KEYS.enter);
    assert.equal(await run.session.exit, 0, run.files().stderr);
    assert.equal(sts.fake.requests.at(-1)!.params.RoleArn, 'arn:aws:iam::123456789012:role/r35');
  });

  for (const [name, key] of [
    ['Esc', KEYS.escape],
    ['Ctrl-C', KEYS.ctrlC],
  ] as const) {
    test(`${name} cancels: exit 130, nothing on stdout, no request, the terminal as it was`, async (t) => {
      const run = runPicker(t);
      if (!run) return;
      await run.session.waitFor(SHOWN);
      await run.session.press('prod', /\(2 matches\)/);
      run.session.press(key).catch(() => {});
      await assertCancelled(run, 130);
      assert.equal(run.files().stderr, '', 'no message: the picker already showed the cancel');
    });
  }

  test('a signal while the picker waits (SIGTERM): exit 143, nothing on stdout, the terminal as it was', async (t) => {
    const run = runPicker(t);
    if (!run) return;
    await run.session.waitFor(SHOWN);
    process.kill(run.pid(), 'SIGTERM');
    await assertCancelled(run, 143);
  });

  test('Enter with nothing matching picks nothing: the picker says so and stays', async (t) => {
    const run = runPicker(t);
    if (!run) return;
    await run.session.waitFor(SHOWN);
    await run.session.press('nosuchprofile', /No matches found/);
    await run.session.press(KEYS.enter, /no profile matches/);
    run.session.press(KEYS.escape).catch(() => {});
    await assertCancelled(run, 130);
  });

  test('the options of the command still apply to the profile picked', async (t) => {
    const run = runPicker(t, ['--duration', '15m', '--region', 'ap-southeast-2', '--shell', 'fish']);
    if (!run) return;
    await run.session.waitFor(SHOWN);
    await run.session.press('dev-deploy', /\(1 match\)/);
    await run.session.press(KEYS.enter);
    assert.equal(await run.session.exit, 0, run.files().stderr);
    const last = sts.fake.requests.at(-1)!;
    assert.equal(last.params.RoleArn, ROLES['dev-deploy']);
    assert.equal(last.params.DurationSeconds, '900');
    assert.match(run.files().stdout, /^set -gx AWS_REGION 'ap-southeast-2';$/m);
  });

  test('no role profile in the config: one clear line, exit 2, nothing drawn', async (t) => {
    writeFileSync(join(sts.home.dir, '.aws', 'config'), '[profile base]\nregion = eu-west-1\n');
    const run = runPicker(t);
    if (!run) return;
    assert.equal(await run.session.exit, 2);
    const { stdout, stderr } = run.files();
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^stsenv: error: assume has no <role-arn>, and the AWS config and credentials files have no role profile to pick from \(.*role_arn.*\)\n$/,
    );
    assert.doesNotMatch(screenText(run.session.raw), /Role profile to assume/);
    assertTerminalStaysCooked(run);
  });

  test('--no-prompt: no picker, the usage error of before', async (t) => {
    const run = runPicker(t, ['--no-prompt']);
    if (!run) return;
    assert.equal(await run.session.exit, 2);
    assert.match(run.files().stderr, /assume needs a <role-arn> argument/);
    assert.doesNotMatch(screenText(run.session.raw), /Role profile to assume/);
  });
});

function assertTerminalStaysCooked(run: PickerRun): void {
  const { sttyBefore, sttyAfter } = run.files();
  assert.equal(sttyAfter, sttyBefore);
}

describe('without a terminal', () => {
  test('exit 2 and the usage error of before, stdout empty', async () => {
    // A new session: no controlling terminal, as under cron or CI.
    const child = spawn(process.execPath, [CLI, 'assume'], {
      env: env(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const [code] = await new Promise<[number | null]>((resolve) => child.on('close', (c) => resolve([c])));
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^stsenv: error: assume needs a <role-arn> argument \(or --profile NAME of a role profile in your AWS config\)\n$/,
    );
  });
});

describe('through the bash init function', () => {
  const script = [
    'eval "$(stsenv init bash)"',
    'stsenv assume',
    'echo "status=$?" > status',
    `${dumpEnvCommand()} > env.dump`,
    '',
  ].join('\n');

  test('`eval "$(stsenv init bash)"; stsenv assume`: the picker answered, the shell holds the role picked', async (t) => {
    const bash = requireShellOrSkip(t, 'bash');
    if (!bash) return;
    const dir = sts.home.dir;
    writeFileSync(join(dir, 'init.sh'), script);
    const session = pty(t, `cd ${shQuote(dir)} && ${shQuote(bash)} --norc --noprofile init.sh`, {
      STSENV_SHELL: 'json',
      AWS_PROFILE: 'base',
    });
    if (!session) return;
    await session.waitFor(SHOWN);
    await session.press('dev read', /\(1 match\)/);
    await session.press(KEYS.enter);
    assert.equal(await session.exit, 0);
    assert.equal(readFileSync(join(dir, 'status'), 'utf8'), 'status=0\n');
    const vars = new Map(
      [...parseEnvDump(readFileSync(join(dir, 'env.dump')), 'AWS_')].map(([k, v]) => [k, v.toString()]),
    );
    assert.equal(sts.fake.requests.at(-1)!.params.RoleArn, ROLES['dev-readonly']);
    assertCredentialEnv(vars, sts.fake.issued.at(-1)!, undefined);
    // The function's first run captured stdout: nothing of it reached the terminal.
    assert.doesNotMatch(screenText(session.raw), new RegExp(sts.fake.issued.at(-1)!.accessKeyId));
  });

  test('Esc through the function: status 130, the shell unchanged', async (t) => {
    const bash = requireShellOrSkip(t, 'bash');
    if (!bash) return;
    const dir = sts.home.dir;
    writeFileSync(join(dir, 'init.sh'), script);
    const session = pty(t, `cd ${shQuote(dir)} && ${shQuote(bash)} --norc --noprofile init.sh`, {
      AWS_PROFILE: 'base',
    });
    if (!session) return;
    await session.waitFor(SHOWN);
    session.press(KEYS.escape).catch(() => {});
    assert.equal(await session.exit, 0);
    assert.equal(readFileSync(join(dir, 'status'), 'utf8'), 'status=130\n');
    const vars = parseEnvDump(readFileSync(join(dir, 'env.dump')), 'AWS_');
    assert.equal(vars.get('AWS_PROFILE')?.toString(), 'base', 'AWS_PROFILE is still set: nothing was evaluated');
    assert.equal(sts.fake.requests.length, 0);
  });
});

describe('the filter and the list (unit)', () => {
  test("granted's filter: every space-separated part, anywhere in the line, case ignored", () => {
    const line = 'prod-admin  arn:aws:iam::222222222222:role/admin  eu-central-1';
    for (const typed of [
      '',
      'prod',
      'PROD',
      'admin prod',
      'eu-central prod',
      '2222 ADMIN',
      '  prod   admin ',
      'central-1',
    ])
      assert.ok(matchesFilter(typed, line), typed);
    for (const typed of ['dev', 'prod dev', 'prodadmin', 'us-east']) assert.ok(!matchesFilter(typed, line), typed);
  });

  test('only role profiles and SSO account-and-role profiles, sorted by name, in columns; control characters never reach the terminal', () => {
    const profiles: Profiles = {
      zeta: { role_arn: 'arn:aws:iam::1:role/z', region: 'eu-west-1' },
      base: { aws_access_key_id: 'AKID', aws_secret_access_key: 'x' },
      alpha: { role_arn: 'arn:aws:iam::1:role/alpha-role' },
      'we\u001b[2Jird': { role_arn: 'arn:aws:iam::1:role/w\u0007' },
      'Prod.Admin': {
        sso_session: 'corp',
        sso_account_id: '111111111111',
        sso_role_name: 'Admin',
        region: 'eu-west-1',
      },
      'sso-only': { sso_session: 'corp' },
    };
    const entries = pickerEntries(profiles);
    assert.deepEqual(
      entries.map((e) => [e.profile, e.sso]),
      [
        ['Prod.Admin', true],
        ['alpha', false],
        ['we\u001b[2Jird', false],
        ['zeta', false],
      ],
    );
    assert.deepEqual(
      entries.map((e) => e.line),
      [
        'Prod.Admin    SSO 111111111111 Admin          eu-west-1',
        'alpha         arn:aws:iam::1:role/alpha-role',
        'we\\x1b[2Jird  arn:aws:iam::1:role/w\\x07',
        'zeta          arn:aws:iam::1:role/z           eu-west-1',
      ],
    );
  });
});
