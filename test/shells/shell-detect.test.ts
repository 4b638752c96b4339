/**
 * The default format, rule by rule, with the environment a real
 * session of each shell has; then for real, with /proc, in bash, zsh, dash and fish.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  detectFormat,
  detectShell,
  readLinuxParentPid,
  readLinuxProcessName,
  type DetectInput,
} from '../../src/shells/detect.js';
import { startFakeSts, type FakeSts } from '../support/fake-sts.js';
import { join } from 'node:path';
import { isolatedEnv, runCli, stsenvOnPath, tempDir } from '../support/run-cli.js';
import { dumpEnvCommand, parseEnvDump, requireShellOrSkip, runShellScript } from '../support/shells.js';

/** What `Get-ChildItem env:PSModulePath` shows in each Windows session. */
const WINDOWS_POWERSHELL_51 =
  'C:\\Users\\dev\\Documents\\WindowsPowerShell\\Modules;C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules';
const PWSH_7_WINDOWS =
  'C:\\Users\\dev\\Documents\\PowerShell\\Modules;C:\\Program Files\\PowerShell\\Modules;c:\\program files\\powershell\\7\\Modules;C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules';
/** cmd.exe has only the system's two entries (from the machine environment). */
const CMD_SYSTEM =
  'C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules';
const PWSH_7_LINUX =
  '/home/dev/.local/share/powershell/Modules:/usr/local/share/powershell/Modules:/opt/microsoft/powershell/7/Modules';

const WINDOWS_BASE = {
  ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe',
  PATHEXT: '.COM;.EXE;.BAT;.CMD',
  USERPROFILE: 'C:\\Users\\dev',
};

function detect(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, parent?: string): string {
  const input: DetectInput = {
    env,
    platform,
    parentPid: 4242,
    processName: (pid) => (pid === 4242 ? parent : undefined),
  };
  return detectFormat(input);
}

describe('detectFormat, rule by rule', () => {
  test('STSENV_SHELL wins over everything', () => {
    assert.equal(
      detect({ STSENV_SHELL: 'fish', SHELL: '/bin/bash', PSModulePath: PWSH_7_LINUX }, 'linux', 'bash'),
      'fish',
    );
    assert.equal(detect({ ...WINDOWS_BASE, STSENV_SHELL: 'cmd', PSModulePath: PWSH_7_WINDOWS }, 'win32'), 'cmd');
  });

  test('Windows PowerShell 5.1 on Windows', () => {
    assert.equal(detect({ ...WINDOWS_BASE, PSModulePath: WINDOWS_POWERSHELL_51 }, 'win32'), 'powershell');
  });

  test('PowerShell 7 on Windows', () => {
    assert.equal(detect({ ...WINDOWS_BASE, PSModulePath: PWSH_7_WINDOWS }, 'win32'), 'powershell');
  });

  test('cmd.exe on Windows: the two system module folders, PROMPT=$P$G', () => {
    assert.equal(detect({ ...WINDOWS_BASE, PSModulePath: CMD_SYSTEM, PROMPT: '$P$G' }, 'win32'), 'cmd');
  });

  test('cmd.exe on Windows without PSModulePath at all', () => {
    assert.equal(detect({ ...WINDOWS_BASE, PROMPT: '$P$G' }, 'win32'), 'cmd');
  });

  test('Git Bash on Windows: STSENV_SHELL names the shell, as there is no /proc parent to read', () => {
    assert.equal(detect({ ...WINDOWS_BASE, PSModulePath: CMD_SYSTEM, STSENV_SHELL: 'bash' }, 'win32'), 'bash');
  });

  test('pwsh on Linux: the parent process, and PSModulePath when the parent is unknown', () => {
    assert.equal(detect({ SHELL: '/bin/bash', PSModulePath: PWSH_7_LINUX }, 'linux', 'pwsh'), 'powershell');
    assert.equal(detect({ SHELL: '/bin/bash', PSModulePath: PWSH_7_LINUX }, 'linux', undefined), 'powershell');
    assert.equal(detect({ SHELL: '/bin/zsh', PSModulePath: PWSH_7_LINUX }, 'darwin', undefined), 'powershell');
  });

  test('fish as the login shell when the parent is not a shell (an editor, tmux, macOS)', () => {
    assert.equal(detect({ SHELL: '/usr/bin/fish' }, 'linux', 'tmux: server'), 'fish');
    assert.equal(detect({ SHELL: '/opt/homebrew/bin/fish' }, 'darwin', undefined), 'fish');
  });

  test('the /proc parent beats the login shell', () => {
    assert.equal(detect({ SHELL: '/usr/bin/fish' }, 'linux', 'bash'), 'bash');
    assert.equal(detect({ SHELL: '/bin/bash' }, 'linux', 'fish'), 'fish');
    assert.equal(detect({ SHELL: '/bin/bash' }, 'linux', 'zsh'), 'zsh');
    // A bash started from pwsh inherits PSModulePath: the parent decides.
    assert.equal(detect({ SHELL: '/bin/bash', PSModulePath: PWSH_7_LINUX }, 'linux', 'bash'), 'bash');
  });

  test('nu, elvish, xonsh, tcsh and csh as the parent process, and as the login shell', () => {
    for (const [name, format] of [
      ['nu', 'nu'],
      ['elvish', 'elvish'],
      ['xonsh', 'xonsh'],
      ['tcsh', 'tcsh'],
      ['csh', 'tcsh'],
    ]) {
      assert.equal(detect({ SHELL: '/bin/bash' }, 'linux', name), format, name);
      assert.equal(detect({ SHELL: `/usr/bin/${name}` }, 'darwin', undefined), format, `login shell ${name}`);
    }
  });

  test('xonsh run by Python (python3 -m xonsh, python3 /usr/bin/xonsh): its arguments tell', () => {
    const withArgs = (argv: string[] | undefined): string =>
      detectFormat({
        env: { SHELL: '/bin/bash' },
        platform: 'linux',
        parentPid: 4242,
        processName: () => 'python3',
        commandLine: () => argv,
      });
    assert.equal(withArgs(['/usr/bin/python3', '-m', 'xonsh']), 'xonsh');
    assert.equal(withArgs(['python3.11', '-u', '/usr/local/bin/xonsh', '--no-rc']), 'xonsh');
    assert.equal(withArgs(['/usr/bin/python3', 'build.py']), 'sh');
    assert.equal(withArgs(['/usr/bin/python3', '-m', 'pip']), 'sh');
    assert.equal(withArgs(undefined), 'sh');
  });

  test('every POSIX shell name maps to sh', () => {
    for (const name of ['sh', 'dash', 'ksh', 'ksh93', 'mksh', 'yash', 'busybox', 'ash']) {
      assert.equal(detect({ SHELL: '/usr/bin/fish' }, 'linux', name), 'sh', name);
    }
  });

  test('POSIX otherwise', () => {
    assert.equal(detect({ SHELL: '/bin/zsh' }, 'darwin', undefined), 'sh');
    assert.equal(detect({}, 'linux', 'node'), 'sh');
  });

  test('readLinuxProcessName reads /proc/PID/comm, undefined for no such process', {
    skip: process.platform !== 'linux',
  }, () => {
    // Node 26 names its main thread, and so /proc/PID/comm, 'node-MainThread'; earlier Nodes leave 'node'.
    assert.match(readLinuxProcessName(process.pid) ?? '', /^node(-MainThread)?$/);
    assert.equal(readLinuxProcessName(2 ** 22 + 12345), undefined);
  });

  test('on Windows the parent process is never looked up: a Windows PID names nothing in /proc', () => {
    const asked: number[] = [];
    const input = (env: NodeJS.ProcessEnv): DetectInput => ({
      env,
      platform: 'win32',
      parentPid: 4242,
      processName: (pid) => {
        asked.push(pid);
        return 'bash';
      },
    });
    assert.equal(detectFormat(input({ ...WINDOWS_BASE, PSModulePath: CMD_SYSTEM })), 'cmd');
    assert.equal(detectFormat(input({ ...WINDOWS_BASE, PSModulePath: PWSH_7_WINDOWS })), 'powershell');
    assert.deepEqual(asked, []);
  });
});

describe('the parent-process rule, for real', () => {
  let home: { dir: string; cleanup: () => void };
  let bin: string;

  before(() => {
    home = tempDir();
    // The stub execs node, so node's parent is the shell that runs $(...) or the pipe, as with npm's symlink.
    bin = stsenvOnPath(home.dir);
  });
  after(() => home.cleanup());

  function environment(): Record<string, string> {
    // No STSENV_SHELL, and a login shell that would lead elsewhere.
    return isolatedEnv(home.dir, {
      STSENV_NO_CACHE: '1',
      PATH: `${bin}:${process.env.PATH}`,
      STSENV_SHELL: undefined,
      SHELL: '/usr/bin/fish',
    }) as Record<string, string>;
  }

  const posix: Array<[shell: string, line: RegExp]> = [
    ['bash', /^unset AWS_ACCESS_KEY_ID;$/m],
    ['zsh', /^unset AWS_ACCESS_KEY_ID;$/m],
    ['dash', /^unset AWS_ACCESS_KEY_ID;$/m],
  ];
  for (const [shell, line] of posix) {
    test(`${shell}: eval "$(stsenv unset)" gets POSIX lines and clears`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      const script = [
        'export AWS_ACCESS_KEY_ID=x AWS_PROFILE=p',
        'out="$(stsenv unset)" || exit 9',
        'printf "%s\\n" "$out" >&2',
        'eval "$out"',
        dumpEnvCommand(),
      ].join('\n');
      const result = await runShellScript(shell, script, { env: environment() });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, line);
      const env = parseEnvDump(result.stdout);
      assert.equal(env.has('AWS_ACCESS_KEY_ID'), false);
      assert.equal(env.has('AWS_PROFILE'), false);
    });
  }

  const languages: Array<[shell: string, script: string, line: RegExp]> = [
    ['nu', '^stsenv unset', /^\{"name":"AWS_ACCESS_KEY_ID","value":null\}$/m],
    ['elvish', 'stsenv unset', /^unset-env AWS_ACCESS_KEY_ID$/m],
    ['xonsh', 'stsenv unset', /^\$\{\.\.\.\}\.pop\('AWS_ACCESS_KEY_ID', None\)$/m],
    [
      'xonsh',
      '/usr/bin/python3 -m xonsh --no-rc -c "stsenv unset"',
      /^\$\{\.\.\.\}\.pop\('AWS_ACCESS_KEY_ID', None\)$/m,
    ],
    ['tcsh', 'stsenv unset', /^unsetenv AWS_ACCESS_KEY_ID;$/m],
    ['csh', 'stsenv unset', /^unsetenv AWS_ACCESS_KEY_ID;$/m],
  ];
  for (const [shell, script, line] of languages) {
    test(`${shell}: ${script} picks the ${shell} format`, async (t) => {
      if (!requireShellOrSkip(t, shell)) return;
      if (script.startsWith('/usr/bin/python3') && !existsSync('/usr/bin/python3'))
        return t.skip('no /usr/bin/python3');
      const result = await runShellScript(shell, `${script}\n`, {
        env: { ...environment(), XDG_RUNTIME_DIR: home.dir },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout.toString('utf8'), line);
    });
  }

  test('fish: stsenv unset | source gets fish lines and clears', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    const script = [
      'set -gx AWS_ACCESS_KEY_ID x; set -gx AWS_PROFILE p',
      'stsenv unset >&2',
      'stsenv unset | source',
      dumpEnvCommand(),
    ].join('\n');
    const result = await runShellScript('fish', script, { env: { ...environment(), SHELL: '/bin/bash' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^set -e AWS_ACCESS_KEY_ID; or true;$/m);
    const env = parseEnvDump(result.stdout);
    assert.equal(env.has('AWS_ACCESS_KEY_ID'), false);
    assert.equal(env.has('AWS_PROFILE'), false);
  });
});

describe('past wrapper programs, and a guessed reader', () => {
  /** A process tree: pid -> [name, parent pid]. stsenv's parent is 10. */
  function tree(nodes: Record<number, [string, number]>, env: NodeJS.ProcessEnv = { SHELL: '/usr/bin/fish' }) {
    return detectShell({
      env,
      platform: 'linux',
      parentPid: 10,
      processName: (pid) => nodes[pid]?.[0],
      parentOf: (pid) => nodes[pid]?.[1],
    });
  }

  test('timeout, env, nice, nohup, sudo, doas, time, xargs, stdbuf, setsid, chrt, ionice and taskset are walked past to the shell', () => {
    for (const wrapper of [
      'timeout',
      'env',
      'nice',
      'nohup',
      'sudo',
      'doas',
      'time',
      'xargs',
      'stdbuf',
      'setsid',
      'chrt',
      'ionice',
      'taskset',
    ]) {
      assert.deepEqual(tree({ 10: [wrapper, 20], 20: ['bash', 1] }), { format: 'bash' }, wrapper);
    }
    assert.deepEqual(
      tree({ 10: ['sudo', 20], 20: ['timeout', 30], 30: ['nice', 40], 40: ['fish', 1] }, { SHELL: '/bin/bash' }),
      { format: 'fish' },
    );
  });

  test('no shell found: the login shell is only a guess, and says so', () => {
    assert.equal(
      tree({ 10: ['make', 20], 20: ['bash', 1] }).guess,
      "the program that runs stsenv, 'make', is not a shell",
    );
    assert.equal(tree({ 10: ['timeout', 20] }).format, 'fish');
    assert.ok(tree({ 10: ['timeout', 20] }).guess);
    // A loop of wrappers ends.
    assert.ok(tree({ 10: ['env', 10] }).guess);
    assert.equal(tree({ 10: ['bash', 1] }).guess, undefined);
    assert.equal(
      detectShell({ env: { STSENV_SHELL: 'fish' }, platform: 'linux', parentPid: 10, processName: () => 'make' }).guess,
      undefined,
    );
  });

  test('readLinuxParentPid reads /proc/PID/stat', { skip: process.platform !== 'linux' }, () => {
    assert.equal(readLinuxParentPid(process.pid), process.ppid);
    assert.equal(readLinuxParentPid(2 ** 22 + 12345), undefined);
  });
});

describe('the attack: a hostile session token through a wrapper, with a login shell of another family', () => {
  let home: { dir: string; cleanup: () => void };
  let bin: string;
  let fake: FakeSts;
  const ROLE = 'arn:aws:iam::123456789012:role/deploy';

  before(async () => {
    home = tempDir();
    bin = stsenvOnPath(home.dir);
    fake = await startFakeSts();
  });
  after(async () => {
    await fake.close();
    home.cleanup();
  });

  const environment = (shell: string) =>
    isolatedEnv(home.dir, {
      PATH: `${bin}:${process.env.PATH}`,
      STSENV_SHELL: undefined,
      SHELL: shell,
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_REGION: 'us-east-1',
    }) as Record<string, string>;

  test('bash with SHELL=fish: eval "$(timeout 30 stsenv assume ROLE)" gets bash lines, the token exact', async (t) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const canary = join(home.dir, 'canary-bash');
    const token = `';touch ${canary};#`;
    fake.failNext({ hostile: { sessionToken: token } });
    const script = [`eval "$(timeout 30 stsenv assume ${ROLE})"`, dumpEnvCommand()].join('\n');
    const result = await runShellScript('bash', script, { env: environment('/usr/bin/fish') });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(existsSync(canary), false, 'the token ran a command');
    assert.equal(parseEnvDump(result.stdout).get('AWS_SESSION_TOKEN')?.toString('utf8'), token);
  });

  test('fish with SHELL=bash: timeout 30 stsenv assume ROLE | source gets fish lines, the secret exact', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    const secret = 'ends in a backslash\\';
    fake.failNext({ hostile: { secretAccessKey: secret } });
    const script = [`timeout 30 stsenv assume ${ROLE} | source`, dumpEnvCommand()].join('\n');
    const result = await runShellScript('fish', script, { env: environment('/bin/bash') });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(parseEnvDump(result.stdout).get('AWS_SECRET_ACCESS_KEY')?.toString('utf8'), secret);
  });

  test('run by a program that is not a shell: a value another shell would read differently is refused, naming --shell', async () => {
    for (const shell of ['/usr/bin/fish', '/usr/bin/xonsh', '/usr/bin/nu', '/bin/bash']) {
      fake.failNext({ hostile: { sessionToken: `$(touch x)';touch x;#` } });
      // The test runner (node) runs stsenv: no shell is seen.
      const run = await runCli(['assume', ROLE], { env: environment(shell) });
      assert.equal(run.code, 2, `${shell}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /cannot write AWS_SESSION_TOKEN: no shell was seen running stsenv .*--shell NAME/);
      assert.doesNotMatch(run.stderr, /touch/);
    }
    // What STS sends (base64) is printed as before.
    const plain = await runCli(['assume', ROLE], { env: environment('/usr/bin/fish') });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^set -gx AWS_SESSION_TOKEN /m);
  });
});
