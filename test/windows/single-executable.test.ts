/**
 * The single executables of `npm run build:exe` (dist-exe/), run as users run
 * them, with no Node anywhere: the Linux one through eval in POSIX shells and
 * fish, with nothing on PATH but the shell and stsenv; the Windows one under
 * Wine as stsenv.exe with stsenv-env.bat beside it, and no node.exe at all.
 * Missing executables skip these tests, or fail them in CI (.ci/run builds them).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertCredentialEnv } from '../support/expect-env.js';
import { startFakeSts, type FakeSts, type IssuedCredentials } from '../support/fake-sts.js';
import { isolatedEnv, writeBaseProfile } from '../support/run-cli.js';
import { secretServiceMissing, startSecretService } from '../support/secret-service.js';
import { findShell, requireShellOrSkip, runShellScript, shellSpec, winePath } from '../support/shells.js';
import { windowsKeyringMissing, windowsKeyringPackage } from '../support/windows-keyring.js';
import { ensureWindows10Prefix, runBatch, runWine, windowsEnv } from '../support/windows-node.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const EXE_DIR = fileURLToPath(new URL('../../dist-exe/', import.meta.url));
const LINUX_EXE = join(EXE_DIR, 'stsenv-linux-x64');
const WINDOWS_EXE = join(EXE_DIR, 'stsenv-win-x64.exe');
const SHELLS_DIR = new URL('../../shells/', import.meta.url);
const KEY_ID = 'AKIAEXECUTABLEKEY001';
const SECRET = 'executable/Secret+EXAMPLE000000000000000000';

let fake: FakeSts;
let root: string;
before(async () => {
  fake = await startFakeSts();
  root = mkdtempSync(join(tmpdir(), 'stsenv-exe-'));
});
after(async () => {
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The executable, or undefined after skipping the test; in CI a missing one is a failure. */
function executable(t: TestContext, file: string): string | undefined {
  if (existsSync(file)) return file;
  const message = `${file} not built (npm run build:exe)`;
  if (process.env.CI) assert.fail(message);
  console.log(`skipped: ${message}`);
  t.skip(message);
  return undefined;
}

function lastIssued(): IssuedCredentials {
  const issued = fake.issued.at(-1);
  assert.ok(issued, 'the endpoint issued credentials');
  return issued;
}

let folders = 0;
function folder(name: string): string {
  const dir = join(root, `${name}-${++folders}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('the Linux executable, with no node on PATH', () => {
  /** A HOME and a PATH holding only `stsenv` (the executable, renamed as README says) and the shell. */
  function session(shell: string): { env: Record<string, string>; home: string } {
    const home = folder('home');
    const bin = join(home, 'bin');
    mkdirSync(bin);
    copyFileSync(LINUX_EXE, join(bin, 'stsenv'));
    symlinkSync(findShell(shell)!, join(bin, shellSpec(shell).command[0]!));
    const env = isolatedEnv(home, {
      PATH: bin,
      AWS_ENDPOINT_URL_STS: fake.url,
      STSENV_SHELL: undefined,
      SHELL: undefined,
    }) as Record<string, string>;
    return { env, home };
  }

  const NAMES = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
    'AWS_SESSION_EXPIRATION',
  ];

  for (const shell of ['bash', 'zsh', 'dash', 'ksh', 'mksh', 'yash', 'busybox', 'fish']) {
    test(`${shell}: eval "$(stsenv assume ...)", then unset (by the function of stsenv init where there is one)`, async (t) => {
      if (!executable(t, LINUX_EXE) || !requireShellOrSkip(t, shell)) return;
      fake.reset();
      const { env } = session(shell);
      const format = shellSpec(shell).format;
      const show = (label: string) => [
        `echo ---${label}---`,
        ...NAMES.map((name) => (format === 'fish' ? `echo ${name}=$${name}` : `echo "${name}=$${name}"`)),
      ];
      const script =
        format === 'fish'
          ? [
              'if command -q node; echo node-found; end',
              `stsenv assume ${ROLE} --shell fish | source`,
              ...show('eval'),
              'stsenv init fish | source',
              'stsenv unset',
              ...show('unset'),
            ]
          : [
              'command -v node >/dev/null 2>&1 && echo node-found',
              `eval "$(stsenv assume ${ROLE} --shell ${format})"`,
              ...show('eval'),
              // bash and zsh have a function of `stsenv init`; the other POSIX shells evaluate unset.
              ...(format === 'sh'
                ? ['eval "$(stsenv unset --shell sh)"']
                : [`eval "$(stsenv init ${shell})"`, 'stsenv unset']),
              ...show('unset'),
            ];
      const result = await runShellScript(shell, script.join('\n'), { env });
      assert.equal(result.code, 0, result.stderr);
      const out = result.stdout.toString('utf8');
      assert.equal(out.includes('node-found'), false, 'no node on PATH');
      const sections = new Map<string, Map<string, string>>();
      let current = new Map<string, string>();
      for (const line of out.split('\n')) {
        const marker = /^---(\w+)---$/.exec(line);
        if (marker) {
          current = new Map();
          sections.set(marker[1]!, current);
        } else if (line.includes('=') && line.slice(line.indexOf('=') + 1) !== '')
          current.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
      }
      const issued = lastIssued();
      assert.equal(sections.get('eval')?.get('AWS_ACCESS_KEY_ID'), issued.accessKeyId);
      assert.equal(sections.get('eval')?.get('AWS_SECRET_ACCESS_KEY'), issued.secretAccessKey);
      assert.equal(sections.get('eval')?.get('AWS_SESSION_TOKEN'), issued.sessionToken);
      assert.deepEqual([...(sections.get('unset') ?? ['missing'])], [], 'unset cleared them');
    });
  }

  test('--version names the build; help, a feature bundle (a mistyped command) and the credential cache work from inside it', async (t) => {
    if (!executable(t, LINUX_EXE) || !requireShellOrSkip(t, 'bash')) return;
    fake.reset();
    const { env, home } = session('bash');
    const script = [
      'stsenv --version',
      'stsenv assume --help 2>&1 | head -n 1',
      'stsenv asume 2>&1; echo "rc=$?"',
      `unset STSENV_NO_CACHE; stsenv assume ${ROLE} >/dev/null && stsenv assume ${ROLE} >/dev/null && echo cached`,
    ].join('\n');
    const result = await runShellScript('bash', script, { env });
    const out = result.stdout.toString('utf8');
    assert.match(out, /^\d+\.\d+\.\d+ \(single executable; Node\.js v\d+\.\d+\.\d+ linux-x64\)\n/);
    assert.match(out, /stsenv assume/);
    assert.match(out, /did you mean .*assume|assume\?/i);
    assert.match(out, /rc=2/);
    assert.match(out, /cached/, result.stderr);
    assert.equal(fake.requestsFor('AssumeRole').length, 1, 'the second came from the cache');
    assert.ok(readdirSync(join(home, '.cache', 'stsenv')).some((n) => n.endsWith('.json')));
    assert.equal(
      existsSync(join(home, '.cache', 'stsenv-code-cache')),
      false,
      'its own code caches fit its Node: none made',
    );
    assert.equal(existsSync(join(home, '.cache', 'stsenv-native')), false, 'no keystore use: no native part written');
  });
  test("keys in the Secret Service: keys add from stdin, list, session signed by them, rm; the native part written once to a folder of the user's own, a changed copy replaced, never loaded", {
    skip: secretServiceMissing(),
  }, async (t) => {
    if (!executable(t, LINUX_EXE) || !requireShellOrSkip(t, 'bash')) return;
    fake.reset();
    const { env, home } = session('bash');
    const service = await startSecretService(home);
    t.after(() => service.stop());
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = env;
    const userEnv = {
      ...rest,
      DBUS_SESSION_BUS_ADDRESS: service.env.DBUS_SESSION_BUS_ADDRESS!,
      XDG_RUNTIME_DIR: service.env.XDG_RUNTIME_DIR!,
    };
    const dir = folder('keys');
    const run = async (lines: string[]) => {
      const result = await runShellScript('bash', [`cd '${dir}'`, ...lines].join('\n'), { env: userEnv });
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.toString('utf8');
    };
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    const sessionRun = (n: number) =>
      `stsenv session --profile dev --shell json > session${n}.json 2> session${n}.err; echo "session${n}=$?"`;

    const first = await run([
      'command -v node >/dev/null 2>&1 && echo node-found',
      `printf '%s\\n%s\\n' '${KEY_ID}' '${SECRET}' | stsenv keys add dev 2> add.err; echo "add=$?"`,
      'stsenv keys list > list.out 2> list.err; echo "list=$?"',
      sessionRun(1),
    ]);
    assert.equal(first.includes('node-found'), false, 'no node on PATH');
    assert.match(first, /^add=0$/m, read('add.err'));
    assert.match(read('add.err'), /stored the keys of profile 'dev' \(access key AKIA…Y001\) in the Secret Service/);
    assert.match(first, /^list=0$/m, read('list.err'));
    assert.equal(
      read('list.out'),
      'dev\tAKIA…Y001\tthe Secret Service (org.freedesktop.secrets on the D-Bus session bus)\n',
    );
    assert.match(first, /^session1=0$/m, read('session1.err'));
    assert.equal(JSON.parse(read('session1.json')).AccessKeyId, fake.issued[0]?.accessKeyId);

    // One file, 0600, in a 0700 folder beside the credential cache, named by the SHA-256 of what it holds: the pinned package's.
    const native = join(home, '.cache', 'stsenv-native');
    assert.equal(statSync(native).mode & 0o777, 0o700);
    const [name, ...others] = readdirSync(native);
    assert.deepEqual(others, [], 'one file');
    const file = join(native, name!);
    const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    assert.equal(name, `keyring-${hashOf(file)}.node`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const pinned = join(
      fileURLToPath(new URL('../../node_modules/@napi-rs/keyring-linux-x64-gnu/', import.meta.url)),
      'keyring.linux-x64-gnu.node',
    );
    if (existsSync(pinned)) assert.deepEqual(readFileSync(file), readFileSync(pinned));
    const written = statSync(file);

    // Used as it is while it holds the same bytes; changed (same size), it is replaced before anything loads it.
    await run([sessionRun(2)]);
    assert.equal(statSync(file).ino, written.ino, 'not written again');
    writeFileSync(file, Buffer.alloc(written.size, 0x90));
    const second = await run([sessionRun(3)]);
    assert.match(second, /^session3=0$/m, read('session3.err'));
    assert.equal(hashOf(file), name!.slice('keyring-'.length, -'.node'.length), 'the asset written again');

    // A folder others can write is not used: one line, exit 1, nothing on stdout.
    chmodSync(native, 0o777);
    const refused = await run([sessionRun(4)]);
    chmodSync(native, 0o700);
    assert.match(refused, /^session4=1$/m);
    assert.equal(read('session4.json'), '');
    assert.match(
      read('session4.err'),
      /^stsenv: error: no keystore reachable: the native part of the Secret Service .*'s binding in this executable could not be loaded \(.*stsenv-native is writable by group or others/,
    );

    const last = await run([
      'stsenv keys rm dev 2> rm.err; echo "rm=$?"',
      'stsenv keys list > list2.out 2> list2.err; echo "list2=$?"',
    ]);
    assert.match(last, /^rm=0$/m, read('rm.err'));
    assert.equal(read('list2.out'), '');
    assert.deepEqual(
      fake.requests.map((r) => [r.action, r.accessKeyId]),
      [
        ['GetSessionToken', KEY_ID],
        ['GetSessionToken', KEY_ID],
        ['GetSessionToken', KEY_ID],
      ],
    );
    for (const err of ['add.err', 'list.err', 'session1.err', 'session3.err', 'session4.err', 'rm.err'])
      assert.ok(!read(err).includes(SECRET), `no secret in ${err}`);
  });
});

describe('the Windows executable under Wine, with no node.exe anywhere', { concurrency: 1 }, () => {
  /** %USERPROFILE% with a space, stsenv.exe and stsenv-env.bat in its bin folder on PATH. */
  let install: { profile: string; prologue: string[] } | undefined;

  async function windows(t: TestContext): Promise<{ profile: string; prologue: string[] } | undefined> {
    if (!executable(t, WINDOWS_EXE) || !requireShellOrSkip(t, 'cmd')) return undefined;
    if (install) return install;
    await ensureWindows10Prefix();
    const profile = folder('Users/Jane Doe');
    const bin = join(profile, 'bin');
    for (const dir of [bin, join(profile, 'AppData', 'Local'), join(profile, 'AppData', 'Roaming')])
      mkdirSync(dir, { recursive: true });
    copyFileSync(WINDOWS_EXE, join(bin, 'stsenv.exe'));
    writeBaseProfile(profile);
    install = {
      profile,
      prologue: [
        '@echo off',
        `set "USERPROFILE=${winePath(profile)}"`,
        `set "APPDATA=${winePath(join(profile, 'AppData', 'Roaming'))}"`,
        `set "LOCALAPPDATA=${winePath(join(profile, 'AppData', 'Local'))}"`,
        `set "PATH=${winePath(bin)};%PATH%"`,
        'set "AWS_PROFILE=work"',
      ],
    };
    return install;
  }

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return windowsEnv({ AWS_ENDPOINT_URL_STS: fake.url, STSENV_NO_CACHE: '1', ...extra });
  }

  /** `set PREFIX` output between `---NAME---` markers, by NAME. */
  function sections(stdout: string): Map<string, Map<string, string>> {
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
      if (current && eq > 0 && name.startsWith('AWS_') && name !== 'AWS_PROFILE' && !(name in env()))
        current.set(name, line.slice(eq + 1));
    }
    return found;
  }

  test('stsenv init cmd > stsenv-env.bat; assume sets, a failure changes nothing, unset clears', async (t) => {
    const w = await windows(t);
    if (!w) return;
    fake.reset();
    const dir = folder('batch');
    const result = await runBatch(
      dir,
      [
        ...w.prologue,
        'for %%P in (node.exe) do if not "%%~$PATH:P"=="" echo node-found',
        'stsenv init cmd > "%USERPROFILE%\\bin\\stsenv-env.bat"',
        'echo init=%errorlevel%',
        `call stsenv-env assume ${ROLE} --region eu-west-1`,
        'echo ---assumed---',
        'set AWS_',
        `cmd /c stsenv-env assume not-an-arn`,
        'echo rc=%errorlevel%',
        'echo ---failed---',
        'set AWS_',
        'call stsenv-env unset',
        'echo ---cleared---',
        'set AWS_ 2>nul',
        'exit /b 0',
      ],
      { env: env() },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.includes('node-found'), false, 'no node.exe anywhere');
    assert.match(result.stdout, /^init=0\r?$/m, result.stderr);
    assert.equal(
      readFileSync(join(w.profile, 'bin', 'stsenv-env.bat'), 'utf8'),
      readFileSync(new URL('stsenv-env.bat', SHELLS_DIR), 'utf8'),
    );
    const found = sections(result.stdout);
    assertCredentialEnv(found.get('assumed')!, lastIssued(), 'eu-west-1');
    assert.match(result.stdout, /^rc=2\r?$/m);
    assert.deepEqual(found.get('failed'), found.get('assumed'), 'the failure changed nothing');
    assert.deepEqual([...found.get('cleared')!], []);
  });

  test('FOR /F runs what stsenv prints; the cache lives in %LOCALAPPDATA%\\stsenv', async (t) => {
    const w = await windows(t);
    if (!w) return;
    fake.reset();
    const dir = folder('for');
    const cacheDir = join(w.profile, 'AppData', 'Local', 'stsenv');
    // `call`: Wine's cmd runs no built-in command a FOR variable holds (stsenv-env.bat calls too).
    const assume = `for /f "delims=" %%L in ('stsenv assume ${ROLE} --shell cmd') do call %%L`;
    const { STSENV_NO_CACHE: _, ...cached } = env();
    const result = await runBatch(
      dir,
      [
        ...w.prologue,
        assume,
        'echo ---first---',
        'set AWS_',
        'set "AWS_ACCESS_KEY_ID=" & set "AWS_SECRET_ACCESS_KEY=" & set "AWS_SESSION_TOKEN="',
        'set "AWS_PROFILE=work"',
        assume,
        'echo ---second---',
        'set AWS_',
      ],
      { env: cached },
    );
    const found = sections(result.stdout);
    assertCredentialEnv(found.get('first')!, lastIssued());
    assertCredentialEnv(found.get('second')!, lastIssued());
    assert.equal(fake.requestsFor('AssumeRole').length, 1, `the second came from the cache: ${result.stderr}`);
    assert.ok(
      readdirSync(cacheDir).some((name) => name.endsWith('.json')),
      `a cache entry in ${cacheDir}`,
    );
  });

  test('exec runs a .cmd with the credentials and returns its exit code; PowerShell is told by PSModulePath', async (t) => {
    const w = await windows(t);
    if (!w) return;
    fake.reset();
    const dir = folder('exec');
    // Its output goes where stsenv's goes (a redirect inside it, after an argument, Wine's cmd reads otherwise than cmd.exe).
    writeFileSync(join(dir, 'record.cmd'), '@echo key=%AWS_ACCESS_KEY_ID%\r\n@exit /b 7\r\n');
    const result = await runBatch(
      dir,
      [
        ...w.prologue,
        `set "PATH=${winePath(dir)};%PATH%"`,
        `stsenv exec ${ROLE} -- record > record.txt`,
        'echo rc=%errorlevel%',
        'set PSModulePath=',
        'stsenv unset > cmd.txt',
        'set "PSModulePath=C:\\Users\\jane\\Documents\\PowerShell\\Modules;C:\\Program Files\\PowerShell\\Modules;c:\\program files\\powershell\\7\\Modules"',
        'stsenv unset > powershell.txt',
      ],
      { env: env() },
    );
    assert.match(result.stdout, /^rc=7\r?$/m, result.stderr);
    assert.equal(readFileSync(join(dir, 'record.txt'), 'utf8').trim(), `key=${lastIssued().accessKeyId}`);
    assert.match(readFileSync(join(dir, 'cmd.txt'), 'utf8'), /^set "AWS_ACCESS_KEY_ID="\r\n/);
    assert.match(
      readFileSync(join(dir, 'powershell.txt'), 'utf8'),
      /^Remove-Item -Path Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue\n/,
    );
  });

  test('keys in Credential Manager: keys add from stdin, list, session signed by them, rm; the native part in %LOCALAPPDATA%\\stsenv-native', {
    skip: windowsKeyringMissing(),
  }, async (t) => {
    const w = await windows(t);
    if (!w) return;
    fake.reset();
    const dir = folder('keys');
    // Wine 8 lacks bcryptprimitives.dll: the test-only stand-in (test/support/windows-keyring.ts), on PATH for this run only.
    const standIn = join(dir, 'stand-in');
    mkdirSync(standIn);
    copyFileSync(join(windowsKeyringPackage(), 'bcryptprimitives.dll'), join(standIn, 'bcryptprimitives.dll'));
    writeFileSync(join(dir, 'keys.txt'), `${KEY_ID}\r\n${SECRET}\r\n`);
    // A profile of this run's own: Wine keeps Credential Manager in the shared prefix.
    const profile = `exe-${process.pid}`;
    const at = (name: string) => `"${winePath(join(dir, name))}"`;
    const result = await runBatch(
      dir,
      [
        ...w.prologue,
        `set "PATH=${winePath(standIn)};%PATH%"`,
        `stsenv keys add ${profile} < ${at('keys.txt')} 2> ${at('add.err')}`,
        `>${at('add.code')} echo %ERRORLEVEL%`,
        `stsenv keys list > ${at('list.out')} 2> ${at('list.err')}`,
        `stsenv session --profile ${profile} --shell json > ${at('session.json')} 2> ${at('session.err')}`,
        `stsenv keys rm ${profile} 2> ${at('rm.err')}`,
        `>${at('rm.code')} echo %ERRORLEVEL%`,
      ],
      { env: env() },
    );
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read('add.code').trim(), '0', read('add.err'));
    assert.match(read('add.err'), /in Windows Credential Manager/);
    assert.match(
      read('list.out'),
      new RegExp(`^${profile}\\tAKIA…Y001\\tWindows Credential Manager\\r?\\n$`),
      read('list.err'),
    );
    assert.equal(JSON.parse(read('session.json')).AccessKeyId, fake.issued[0]?.accessKeyId, read('session.err'));
    assert.deepEqual(
      fake.requests.map((r) => [r.action, r.accessKeyId]),
      [['GetSessionToken', KEY_ID]],
    );
    assert.equal(read('rm.code').trim(), '0', read('rm.err'));
    for (const name of ['add.err', 'list.err', 'session.err', 'rm.err']) assert.ok(!read(name).includes(SECRET));
    // The pinned package's .node, named by its SHA-256, in the user's own %LOCALAPPDATA%.
    const native = join(w.profile, 'AppData', 'Local', 'stsenv-native');
    const pinned = readFileSync(join(windowsKeyringPackage(), 'keyring.win32-x64-msvc.node'));
    assert.deepEqual(readdirSync(native), [`keyring-${createHash('sha256').update(pinned).digest('hex')}.node`]);
    assert.deepEqual(readFileSync(join(native, readdirSync(native)[0]!)), pinned);
  });

  test('--version names the build and its Node', async (t) => {
    const w = await windows(t);
    if (!w) return;
    const result = await runWine([join(w.profile, 'bin', 'stsenv.exe'), '--version'], {
      cwd: folder('version'),
      env: env(),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\d+\.\d+\.\d+ \(single executable; Node\.js v\d+\.\d+\.\d+ win32-x64\)\n$/);
  });
});
