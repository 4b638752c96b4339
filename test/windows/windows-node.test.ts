/**
 * stsenv as Windows users run it, under Wine: the Windows node.exe
 * pinned for Wine (test/support/runtimes.json), stsenv installed in npm's Windows layout with npm's
 * own shims, stsenv-env.bat installed as README says, USERPROFILE and the
 * install paths with spaces in them; every case against the loopback STS.
 * Wine's cmd differs from cmd.exe in a few ways (windows-testing.md); each
 * case says where it works around one.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { assertCredentialEnv, exportedExpiration } from '../support/expect-env.js';
import { listStructs, startFakeSts, type FakeSts, type IssuedCredentials } from '../support/fake-sts.js';
import { BASE_ACCESS_KEY_ID, writeBaseProfile } from '../support/run-cli.js';
import { isShellRequired, requireShellOrSkip, winePath, winePrefix } from '../support/shells.js';
import cmdShim from 'cmd-shim';
import {
  installWindows,
  runBatch,
  runWine,
  WINE_SHIM_GOTO,
  windowsEnv,
  WindowsNodeUnavailable,
  type WindowsInstall,
} from '../support/windows-node.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const MFA = 'arn:aws:iam::123456789012:mfa/jane';
const SHELLS_DIR = new URL('../../shells/', import.meta.url);

let fake: FakeSts;
let win: WindowsInstall | undefined;
/** Why every test skips when the Windows node.exe cannot be had and is not required. */
let unavailable: string | undefined;
/** Set when wine is missing and not required: every test skips. */
let missing = false;

before(async () => {
  fake = await startFakeSts();
});
after(async () => {
  await fake?.close();
  win?.remove();
});

/** The install, made on first use (a test that skips for a missing wine never makes it). */
async function install(t: TestContext): Promise<WindowsInstall | undefined> {
  if (unavailable) {
    t.skip(unavailable);
    return undefined;
  }
  if (missing || !requireShellOrSkip(t, 'cmd')) {
    missing = true;
    return undefined;
  }
  if (win) return win;
  try {
    win = await installWindows();
  } catch (error) {
    // Offline, say: skipped with a notice as a missing shell is, unless required (STSENV_REQUIRE_SHELLS=all or windows-node).
    if (!(error instanceof WindowsNodeUnavailable) || isShellRequired('windows-node')) throw error;
    unavailable = `the Windows node.exe could not be had (${error.message})`;
    console.log(`skipped: ${unavailable}; set STSENV_REQUIRE_SHELLS=windows-node to make this a failure`);
    t.skip(unavailable);
    return undefined;
  }
  writeBaseProfile(win.linux(win.userProfile));
  return win;
}

/** The Linux side of the Windows session: the endpoint, and no credentials but the `work` profile's. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return windowsEnv({ AWS_ENDPOINT_URL_STS: fake.url, STSENV_NO_CACHE: '1', ...extra });
}

/** A new empty folder under the install, and its Windows path. */
let folders = 0;
function folder(w: WindowsInstall, name: string): { dir: string; win: string } {
  const dir = join(w.root, `${name}-${++folders}`);
  mkdirSync(dir);
  return { dir, win: winePath(dir) };
}

/** `set PREFIX` output between `---NAME---` markers, by NAME; without the variables env() gives every session. */
function sections(stdout: string, prefix = 'AWS_'): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const marker = /^---(\w+)---$/.exec(line);
    if (marker) {
      current = new Map();
      found.set(marker[1]!, current);
    }
    const eq = line.indexOf('=');
    const name = line.slice(0, eq).toUpperCase();
    if (current && eq > 0 && name.startsWith(prefix) && !(name in env())) current.set(name, line.slice(eq + 1));
  }
  return found;
}

function lastIssued(): IssuedCredentials {
  const issued = fake.issued.at(-1);
  assert.ok(issued, 'the endpoint issued credentials');
  return issued;
}

describe('stsenv and stsenv-env.bat in cmd, with the Windows node under Wine', { concurrency: 1 }, () => {
  test('installed as README says: stsenv init cmd > "%USERPROFILE%\\bin\\stsenv-env.bat"', async (t) => {
    const w = await install(t);
    if (!w) return;
    assert.match(w.userProfile, / /, 'USERPROFILE has a space in it');
    assert.match(w.nodeDir, / /, 'node.exe is under a folder with a space in it');
    const { dir } = folder(w, 'init');
    // `call`: from a batch file, npm's stsenv.cmd would not return without it.
    const result = await runBatch(
      dir,
      [...w.prologue(), 'call stsenv init cmd > "%USERPROFILE%\\bin\\stsenv-env.bat"', 'echo rc=%errorlevel%'],
      { env: env() },
    );
    assert.match(result.stdout, /^rc=0\r?$/m, result.stderr);
    const installed = readFileSync(join(w.linux(w.userProfile), 'bin', 'stsenv-env.bat'), 'utf8');
    assert.equal(installed, readFileSync(new URL('stsenv-env.bat', SHELLS_DIR), 'utf8'));
  });

  test('call stsenv-env assume sets every variable to what STS issued; stsenv-env unset clears them', async (t) => {
    const w = await install(t);
    if (!w) return;
    fake.reset();
    const { dir } = folder(w, 'assume');
    const result = await runBatch(
      dir,
      [
        ...w.prologue(),
        'set "AWS_PROFILE=work"',
        'set "AWS_SECURITY_TOKEN=stale"',
        'set "AWS_DEFAULT_PROFILE=stale"',
        `call stsenv-env assume ${ROLE} --region eu-west-1 --duration 1h --tag "team=ops and dev"`,
        'echo ---assumed---',
        'set AWS_',
        'set __stsenv 2>nul',
        'call stsenv-env unset',
        'echo ---cleared---',
        'set AWS_ 2>nul',
        'exit /b 0',
      ],
      { env: env() },
    );
    assert.equal(result.code, 0, result.stderr);
    const found = sections(result.stdout);
    assert.ok(fake.issued.length === 1, `one AssumeRole answered; stdout: ${result.stdout} stderr: ${result.stderr}`);
    assertCredentialEnv(found.get('assumed')!, lastIssued(), 'eu-west-1');
    assert.equal(sections(result.stdout, '__STSENV').get('assumed')?.size, 0, 'no helper variable left behind');
    const [request] = fake.requestsFor('AssumeRole');
    assert.equal(
      request?.accessKeyId,
      BASE_ACCESS_KEY_ID,
      'signed with the work profile of %USERPROFILE%\\.aws\\credentials',
    );
    assert.deepEqual(
      listStructs(request!.params, 'Tags'),
      [{ Key: 'team', Value: 'ops and dev' }],
      'an argument with spaces arrives whole',
    );
    assert.deepEqual([...found.get('cleared')!], []);
  });

  test('a failure changes nothing, and cmd /c returns its exit code exactly', async (t) => {
    const w = await install(t);
    if (!w) return;
    fake.reset();
    fake.failNext({ error: 'AccessDenied' });
    const { dir } = folder(w, 'failure');
    const result = await runBatch(
      dir,
      [
        ...w.prologue(),
        'set "AWS_PROFILE=work"',
        'set "AWS_REGION=ap-south-1"',
        // Wine's `call` turns every non-zero exit code into 1; `cmd /c` keeps it.
        `cmd /c stsenv-env assume ${ROLE}`,
        'echo rc=%errorlevel%',
        'cmd /c stsenv-env assume not-an-arn',
        'echo rc=%errorlevel%',
        'call stsenv-env assume not-an-arn',
        'if errorlevel 1 (echo call=failed) else (echo call=succeeded)',
        'echo ---after---',
        'set AWS_',
      ],
      { env: env() },
    );
    assert.deepEqual(result.stdout.match(/^(rc|call)=\w+/gm), ['rc=1', 'rc=2', 'call=failed']);
    assert.deepEqual(Object.fromEntries(sections(result.stdout).get('after')!), {
      AWS_PROFILE: 'work',
      AWS_REGION: 'ap-south-1',
    });
    assert.match(result.stderr, /AccessDenied/);
    assert.match(result.stderr, /invalid role ARN/);
    assert.equal(fake.requestsFor('AssumeRole').length, 1);
  });

  test('the cache lives in %LOCALAPPDATA%\\stsenv: a second call asks STS nothing', async (t) => {
    const w = await install(t);
    if (!w) return;
    fake.reset();
    const { dir } = folder(w, 'cache');
    const cacheDir = join(w.linux(w.userProfile), 'AppData', 'Local', 'stsenv');
    rmSync(cacheDir, { recursive: true, force: true });
    const lines = [
      ...w.prologue(),
      'set "AWS_PROFILE=work"',
      `call stsenv-env assume ${ROLE}`,
      'echo ---first---',
      'set AWS_',
    ];
    // Back to the user's own credentials (else the key variables of the first call would sign the second: a role chain).
    lines.push(
      'call stsenv-env unset',
      'set "AWS_PROFILE=work"',
      `call stsenv-env assume ${ROLE}`,
      'echo ---second---',
      'set AWS_',
    );
    const { STSENV_NO_CACHE: _, ...cached } = env();
    const result = await runBatch(dir, lines, { env: cached });
    const found = sections(result.stdout);
    assertCredentialEnv(found.get('first')!, lastIssued());
    assertCredentialEnv(found.get('second')!, lastIssued());
    assert.equal(fake.requestsFor('AssumeRole').length, 1, `the second call came from the cache: ${result.stderr}`);
    assert.ok(
      readdirSync(cacheDir).some((name) => name.endsWith('.json')),
      `a cache entry in ${cacheDir}`,
    );
    assert.equal(existsSync(join(w.linux(w.userProfile), '.cache')), false, 'no XDG cache folder on Windows');
  });

  test('--write-profile writes %USERPROFILE%\\.aws\\credentials next to the other sections', async (t) => {
    const w = await install(t);
    if (!w) return;
    fake.reset();
    const { dir } = folder(w, 'write-profile');
    const file = join(w.linux(w.userProfile), '.aws', 'credentials');
    const before = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      `${before}\n# kept as it is\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other\n`,
    );
    try {
      const result = await runBatch(
        dir,
        [
          ...w.prologue(),
          'set "AWS_PROFILE=work"',
          `cmd /c stsenv assume ${ROLE} --write-profile deploy > out.txt`,
          'echo rc=%errorlevel%',
        ],
        {
          env: env(),
        },
      );
      assert.match(result.stdout, /^rc=0\r?$/m, result.stderr);
      assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), '', 'stdout stays empty');
      const issued = lastIssued();
      const text = readFileSync(file, 'utf8');
      assert.ok(
        text.startsWith(
          `${before}\n# kept as it is\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other\n`,
        ),
        text,
      );
      const deploy = text.slice(text.indexOf('[deploy]'));
      assert.match(deploy, new RegExp(`^aws_access_key_id = ${issued.accessKeyId}$`, 'm'));
      assert.ok(deploy.includes(`aws_secret_access_key = ${issued.secretAccessKey}\n`));
      assert.ok(deploy.includes(`aws_session_token = ${issued.sessionToken}\n`));
      assert.ok(deploy.includes(`aws_credential_expiration = ${exportedExpiration(issued)}`));
    } finally {
      writeFileSync(file, before);
    }
  });

  test('without --shell: cmd lines (CRLF) from cmd, PowerShell lines when PSModulePath says PowerShell, never /proc', async (t) => {
    const w = await install(t);
    if (!w) return;
    const { dir, win: out } = folder(w, 'detect');
    // Under Wine, /proc/PID from Windows node is Linux's /proc on drive Z:, and on C: a
    // folder of the prefix. A `comm` saying bash for the PID of this cmd.exe, at C:\proc:
    // stsenv, run from C:\, would print bash lines if it read it.
    const plant = `const fs = require('fs'); const d = '/proc/' + process.ppid; fs.mkdirSync(d, { recursive: true }); fs.writeFileSync(d + '/comm', 'bash\\n'); fs.writeFileSync(process.argv[1], process.ppid + ' ' + fs.readFileSync(d + '/comm', 'utf8'))`;
    let planted: string | undefined;
    try {
      const result = await runBatch(
        dir,
        [
          ...w.prologue(),
          'set PSModulePath=',
          'call stsenv unset > cmd.txt',
          'cd /d C:\\',
          `node -e "${plant}" "${out}\\planted.txt"`,
          `call stsenv unset > "${out}\\proc.txt"`,
          `cd /d "${out}"`,
          'set "PSModulePath=C:\\Users\\jane\\Documents\\PowerShell\\Modules;C:\\Program Files\\PowerShell\\Modules;c:\\program files\\powershell\\7\\Modules"',
          'call stsenv unset > powershell.txt',
        ],
        { env: env() },
      );
      const [pid, comm] = readFileSync(join(dir, 'planted.txt'), 'utf8').split(' ');
      planted = pid;
      assert.equal(comm, 'bash\n', `the planted /proc/${pid}/comm is what an unguarded reader gets`);
      const cmdLines = readFileSync(join(dir, 'cmd.txt'), 'utf8');
      assert.match(cmdLines, /^set "AWS_ACCESS_KEY_ID="\r\nset "AWS_SECRET_ACCESS_KEY="\r\n/, result.stderr);
      assert.equal(cmdLines.replaceAll('\r\n', ''), cmdLines.replaceAll(/\r?\n/g, ''), 'every line ends in CRLF');
      assert.equal(readFileSync(join(dir, 'proc.txt'), 'utf8'), cmdLines, 'the parent PID was not looked up in /proc');
      const psLines = readFileSync(join(dir, 'powershell.txt'), 'utf8');
      assert.match(psLines, /^Remove-Item -Path Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue\n/);
      assert.equal(psLines.includes('\r'), false);
    } finally {
      if (planted) rmSync(join(winePrefix(), 'drive_c', 'proc', planted), { recursive: true, force: true });
      try {
        rmSync(join(winePrefix(), 'drive_c', 'proc')); // only when empty: another run may be using it
      } catch {
        // not empty, or gone
      }
    }
  });

  test('the MFA prompt through CONIN$/CONOUT$ under a terminal, and a clear failure without one', async (t) => {
    const w = await install(t);
    if (!w) return;
    fake.reset();
    const { dir } = folder(w, 'mfa');
    const lines = [
      ...w.prologue(),
      'set "AWS_PROFILE=work"',
      `cmd /c stsenv session --mfa-serial ${MFA} --shell cmd > out.txt`,
      'echo rc=%errorlevel%',
    ];
    let typed = false;
    const answered = await runBatch(dir, lines, {
      env: env(),
      terminal: (screen, type) => {
        if (!typed && screen.includes(`MFA code for ${MFA}:`)) {
          typed = true;
          type('123456\r');
        }
      },
    });
    assert.ok(typed, `the prompt appeared on the terminal: ${answered.stderr}`);
    const [request] = fake.requestsFor('GetSessionToken');
    assert.equal(request?.params.TokenCode, '123456');
    assert.equal(request?.params.SerialNumber, MFA);
    const issued = lastIssued();
    const out = readFileSync(join(dir, 'out.txt'), 'utf8');
    assert.ok(
      out.startsWith(
        `set "AWS_ACCESS_KEY_ID=${issued.accessKeyId}"\r\nset "AWS_SECRET_ACCESS_KEY=${issued.secretAccessKey}"\r\n`,
      ),
      out,
    );
    assert.equal(out.includes('MFA code'), false, 'the prompt is not on stdout');

    fake.reset();
    // No terminal: wine's stdin is /dev/null, its stdout and stderr files.
    const alone = await runBatch(dir, lines, { env: env() });
    assert.match(alone.stdout, /^rc=2\r?$/m);
    assert.match(alone.stderr, /an MFA code is needed for .* and there is no terminal to ask on \(pass --token-code/);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), '');
    assert.equal(fake.requests.length, 0, 'nothing was asked of STS');
  });
  test('the profile picker on the console (CONIN$/CONOUT$): a filter and Enter assume that profile; Esc exits 130 with stdout empty', async (t) => {
    const w = await install(t);
    if (!w) return;
    fake.reset();
    const { dir, win: dirWin } = folder(w, 'picker');
    const AUDIT = 'arn:aws:iam::123456789012:role/audit';
    writeFileSync(
      join(dir, 'config'),
      `[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = work\nregion = eu-west-1\n[profile audit]\nrole_arn = ${AUDIT}\nsource_profile = work\n`,
    );
    const lines = [
      ...w.prologue(),
      `set "AWS_CONFIG_FILE=${dirWin}\\config"`,
      'cmd /c stsenv assume --shell cmd > out.txt',
      'echo rc=%errorlevel%',
    ];
    // The screen without its control sequences; each step once the picker has drawn what it answers.
    const text = (screen: string) => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    let step = 0;
    // Under a terminal, what the batch file echoes is on the screen too.
    let shown = '';
    const picked = await runBatch(dir, lines, {
      env: env(),
      terminal: (screen, type) => {
        shown = text(screen);
        if (step === 0 && /Enter: confirm/.test(text(screen))) {
          step = 1;
          type('de');
        } else if (step === 1 && /\(1 match\)/.test(text(screen))) {
          step = 2;
          type('\r');
        }
      },
    });
    assert.equal(step, 2, `the picker was drawn and filtered: ${picked.stderr}`);
    assert.match(shown, /^rc=0\r?$/m, picked.stderr);
    assert.equal(fake.requests.at(-1)?.params.RoleArn, ROLE);
    const issued = lastIssued();
    const out = readFileSync(join(dir, 'out.txt'), 'utf8');
    assert.ok(out.startsWith(`set "AWS_ACCESS_KEY_ID=${issued.accessKeyId}"\r\n`), out);
    assert.match(out, /^set "AWS_REGION=eu-west-1"\r$/m);
    assert.equal(out.includes('Role profile'), false, 'the picker is not on stdout');

    fake.reset();
    let cancelled = false;
    const esc = await runBatch(dir, lines, {
      env: env(),
      terminal: (screen, type) => {
        shown = text(screen);
        if (!cancelled && /Enter: confirm/.test(shown)) {
          cancelled = true;
          // Esc. Wine's console, reading the pseudo-terminal, holds a lone ESC byte back as the
          // start of a sequence (seen: it never arrives); a second one makes it the Esc key.
          type('\u001b\u001b');
        }
      },
    });
    assert.ok(cancelled, esc.stderr);
    assert.match(shown, /^rc=130\r?$/m, esc.stderr);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), '');
    assert.equal(fake.requests.length, 0);
  });
});

describe('stsenv exec with the Windows node under Wine', { concurrency: 1 }, () => {
  /**
   * A program as npm installs one on Windows: record.js, which writes its
   * arguments and the credentials it got to RECORD_TO and exits 7, behind
   * npm's own record.cmd shim (which passes %* on to node), and behind a
   * plain record-bat.bat, in a folder with a space on PATH.
   */
  const RECORD_JS = [
    '#!/usr/bin/env node',
    "const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];",
    "require('fs').writeFileSync(process.env.RECORD_TO, JSON.stringify({ argv: process.argv.slice(2), env: Object.fromEntries(names.map((n) => [n, process.env[n]])) }));",
    'process.exit(7);',
    '',
  ].join('\n');

  /**
   * Arguments that would start a second command (creating `canary` in the
   * working folder) or come back changed if cmd.exe read them unescaped, once or
   * twice (npm's shim passes %* on, and cmd parses it again). No `%`: Wine's cmd
   * expands %NAME% inside what a batch file receives, which cmd.exe does not (docs/windows.md).
   */
  const HOSTILE = [
    'plain',
    'two  words',
    '',
    'x"&type nul > canary&"',
    '"&type nul > canary&rem "',
    'a"b"c',
    '"',
    '\\"',
    'trail\\',
    'a&b|c<d>e^f',
    '^',
    '^^',
    '!PATH!',
    '(x)',
    ')&type nul > canary&(',
    "it's",
    ';,=',
    '*?[]',
    '`x`',
    '<nul',
    '|',
    '>canary',
    '& exit /b 3',
    '&& type nul > canary',
    'C:\\dir with space\\',
    '-h',
    '/?',
  ];

  let tools: { dir: string; win: string };
  let credentialsFile: string;

  async function setup(t: TestContext): Promise<WindowsInstall | undefined> {
    const w = await install(t);
    if (!w) return undefined;
    if (!tools) {
      tools = folder(w, 'Tools Dir');
      writeFileSync(join(tools.dir, 'record.js'), RECORD_JS);
      await cmdShim(join(tools.dir, 'record.js'), join(tools.dir, 'record'));
      const shim = join(tools.dir, 'record.cmd');
      writeFileSync(shim, readFileSync(shim, 'utf8').replace(WINE_SHIM_GOTO, ''));
      writeFileSync(join(tools.dir, 'record-bat.bat'), '@node "%~dp0record.js" %*\r\n@exit /b %errorlevel%\r\n');
      credentialsFile = winePath(join(w.linux(w.userProfile), '.aws', 'credentials'));
    }
    return w;
  }

  /** Runs `stsenv exec ROLE -- command...` straight from wine (no cmd of ours in between), in an empty folder. */
  async function exec(
    w: WindowsInstall,
    command: readonly string[],
  ): Promise<{
    code: number | null;
    stderr: string;
    record: { argv: string[]; env: Record<string, string | undefined> } | undefined;
    cwd: string;
  }> {
    const cwd = folder(w, 'cwd').dir;
    const recordTo = join(w.root, `record-${folders}.json`);
    const result = await runWine([w.linux(`${w.nodeDir}\\node.exe`), w.cli, 'exec', ROLE, '--', ...command], {
      cwd,
      env: env({
        WINEPATH: `${tools.win};${w.nodeDir}`,
        RECORD_TO: winePath(recordTo),
        AWS_PROFILE: 'work',
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_CONFIG_FILE: winePath(join(w.root, 'no-config')),
        EVIL: 'x&type nul > canary',
      }),
    });
    const record = existsSync(recordTo)
      ? (JSON.parse(readFileSync(recordTo, 'utf8')) as { argv: string[]; env: Record<string, string> })
      : undefined;
    return { code: result.code, stderr: result.stderr, record, cwd };
  }

  function assertCredentials(record: { env: Record<string, string | undefined> } | undefined): void {
    const issued = lastIssued();
    // JSON leaves out AWS_PROFILE when the child did not have it.
    assert.deepEqual(record?.env, {
      AWS_ACCESS_KEY_ID: issued.accessKeyId,
      AWS_SECRET_ACCESS_KEY: issued.secretAccessKey,
      AWS_SESSION_TOKEN: issued.sessionToken,
    });
  }

  test("npm's .cmd shim, found as `record` through PATHEXT: every argument intact, nothing else run, its exit code", async (t) => {
    const w = await setup(t);
    if (!w) return;
    fake.reset();
    const run = await exec(w, ['record', ...HOSTILE]);
    assert.equal(run.code, 7, run.stderr);
    assert.deepEqual(run.record?.argv, HOSTILE);
    assertCredentials(run.record);
    assert.deepEqual(readdirSync(run.cwd), [], 'no canary, no redirection target');
  });

  test('a .bat file and a .exe found by bare name', async (t) => {
    const w = await setup(t);
    if (!w) return;
    fake.reset();
    const args = ['two  words', 'x"&type nul > canary&"', 'a&b|c<d>e^f', ''];
    const bat = await exec(w, ['record-bat', ...args]);
    assert.equal(bat.code, 7, bat.stderr);
    assert.deepEqual(bat.record?.argv, args);
    assertCredentials(bat.record);
    const script =
      "require('fs').writeFileSync(process.env.RECORD_TO, JSON.stringify({ argv: process.argv.slice(1), env: {} })); process.exit(5)";
    const exe = await exec(w, ['node', '-e', script, ...HOSTILE]);
    assert.equal(exe.code, 5, exe.stderr);
    assert.deepEqual(exe.record?.argv, HOSTILE);
    assert.deepEqual(readdirSync(bat.cwd), []);
    assert.deepEqual(readdirSync(exe.cwd), []);
  });

  test('arguments with %: changed by Wine, but none starts a command', async (t) => {
    const w = await setup(t);
    if (!w) return;
    // Wine's cmd expands %NAME% (and %~dp0) inside the arguments a batch file gets; cmd.exe
    // does not. So under Wine these cannot come back intact: only that nothing runs is checked.
    const run = await exec(w, [
      'record',
      '%x%&type nul > canary',
      'a%&type nul > canary&%b',
      '%EVIL%',
      '%PATH%',
      '&type nul > canary&',
      '%~dp0',
      '100%',
    ]);
    assert.ok(run.record, `record.js ran: ${run.stderr}`);
    assert.deepEqual(readdirSync(run.cwd), [], 'no canary');
  });

  test('127 for a command not found and 126 for an argument cmd.exe cannot pass, both before any request', async (t) => {
    const w = await setup(t);
    if (!w) return;
    fake.reset();
    const missing = await exec(w, ['no-such-command', 'x']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /command not found: 'no-such-command'/);
    const newline = await exec(w, ['record', 'line one\nline two']);
    assert.equal(newline.code, 126);
    assert.match(newline.stderr, /cannot run 'record': an argument has a line break/);
    assert.equal(newline.record, undefined);
    assert.equal(fake.requests.length, 0, 'STS was not asked');
  });
});

describe('credential_process run by stsenv with the Windows node under Wine', { concurrency: 1 }, () => {
  test("split by the C runtime's rules as botocore splits it: npm's .cmd shim by its full path, every word intact, nothing else run", async (t) => {
    const w = await install(t);
    if (!w) return;
    // No space in this folder: Wine's cmd cannot start a batch file by a path with a caret-escaped space in it.
    const tools = folder(w, 'CredsTools');
    const cwd = folder(w, 'cwd').dir;
    const recordTo = join(w.root, `creds-${folders}.json`);
    writeFileSync(
      join(tools.dir, 'creds.js'),
      [
        '#!/usr/bin/env node',
        "require('fs').writeFileSync(process.env.RECORD_TO, JSON.stringify(process.argv.slice(2)));",
        "process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDWINPROCESS000001', SecretAccessKey: 'win/process+SECRET', SessionToken: 'tok', Expiration: '2099-01-01T00:00:00Z' }));",
        '',
      ].join('\n'),
    );
    await cmdShim(join(tools.dir, 'creds.js'), join(tools.dir, 'creds'));
    const shim = join(tools.dir, 'creds.cmd');
    writeFileSync(shim, readFileSync(shim, 'utf8').replace(WINE_SHIM_GOTO, ''));
    const config = join(w.root, `creds-config-${folders}`);
    writeFileSync(
      config,
      `[profile proc]\r\ncredential_process = "${tools.win}\\creds.cmd" "two words" C:\\Some\\Path x&type nul > canary a|b\r\n`,
    );
    const result = await runWine(
      [w.linux(`${w.nodeDir}\\node.exe`), w.cli, 'export', '--profile', 'proc', '--shell', 'json'],
      {
        cwd,
        env: env({
          WINEPATH: w.nodeDir,
          RECORD_TO: winePath(recordTo),
          AWS_CONFIG_FILE: winePath(config),
          AWS_SHARED_CREDENTIALS_FILE: winePath(join(w.root, 'no-credentials')),
        }),
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).AccessKeyId, 'AKIDWINPROCESS000001');
    assert.deepEqual(JSON.parse(readFileSync(recordTo, 'utf8')), [
      'two words',
      'C:\\Some\\Path',
      'x&type',
      'nul',
      '>',
      'canary',
      'a|b',
    ]);
    assert.deepEqual(readdirSync(cwd), [], 'no canary');
  });
});
