/**
 * Long sessions (README): each init function's prompt hook, in the real
 * shell on a pseudo-terminal, against the loopback STS issuing credentials
 * that expire in ten minutes. The hook starts no stsenv while the expiry is
 * further than STSENV_REFRESH_BEFORE; the first prompt past it gets new keys,
 * the ones the endpoint issued; a denied refresh keeps the old keys and says
 * so once; after unset nothing refreshes; a script never does.
 * The threshold is crossed by raising STSENV_REFRESH_BEFORE in the shell,
 * not by waiting: the hook reads it at every prompt.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import { CLI, isolatedEnv, writeBaseProfile } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';
import { screenText, scriptExecutable, startPty, type PtySession } from '../support/pty.js';
import { nuExecutable, requireShellOrSkip, shQuote, which } from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const READY = '@ready@';
const shellsDir = (file: string) => fileURLToPath(new URL(`../../shells/${file}`, import.meta.url));

interface HookShell {
  name: string;
  /** The shell started interactively on the terminal, its prompt READY. */
  start: string;
  /** Lines typed first: the init function and hook, read from shells/. */
  init: string[];
  /** A line that sets a shell variable (or the environment variable) NAME to VALUE. */
  set(name: string, value: string): string;
  /** A line that prints `K=<value>` of an environment variable. */
  show(name: string): string;
  /** A line that does nothing (a prompt goes by). */
  noop: string;
  /** A script (file contents) that sources the init file, assumes, crosses the threshold and shows the key. */
  script?: { file: string; text: string; run: string };
  env?: Record<string, string>;
  /** Written to a file whose path replaces RC in `start`. */
  rc?: string;
  /** Type the line, wait until it is all shown, then press Enter. */
  echoFirst?: boolean;
  /** The prompt is READY followed by its number, 1 for the first. */
  numbered?: boolean;
}

const posixScript = (shell: string) => ({
  file: 'script.sh',
  text: `. ${shQuote(shellsDir('stsenv.bash'))}\nstsenv assume ${ROLE} --duration 15m\nSTSENV_REFRESH_BEFORE=20m\n:\n:\necho "K=$AWS_ACCESS_KEY_ID"\n`,
  run: `${shell} SCRIPT`,
});

const SHELLS: HookShell[] = [
  {
    name: 'bash',
    start: `bash --norc --noprofile -i`,
    init: [`. ${shQuote(shellsDir('stsenv.bash'))}`],
    set: (name, value) => `${name}=${shQuote(value)}`,
    show: (name) => `echo "K=$${name}"`,
    noop: ':',
    script: posixScript('bash --norc --noprofile'),
    env: { PS1: `${READY} ` },
  },
  {
    name: 'zsh',
    start: `zsh -f -i`,
    // Numbered: under load the line editor may redraw the same prompt before the command has run.
    init: [
      `__n=0; __count() { (( __n++ )) }; precmd_functions+=(__count); setopt PROMPT_SUBST; PS1='${READY}\${__n} '`,
      `. ${shQuote(shellsDir('stsenv.bash'))}`,
    ],
    set: (name, value) => `${name}=${shQuote(value)}`,
    show: (name) => `echo "K=$${name}"`,
    noop: ':',
    script: posixScript('zsh -f'),
    numbered: true,
  },
  {
    name: 'fish',
    start: `fish --no-config -i`,
    // Numbered, as zsh: a prompt counts the command lines run before it.
    init: [
      `set -g __n 0; function __count --on-event fish_postexec; set -g __n (math $__n + 1); end; function fish_prompt; printf '${READY}%s ' $__n; end`,
      `source ${shQuote(shellsDir('stsenv.fish'))}`,
    ],
    numbered: true,
    set: (name, value) => `set -g ${name} ${shQuote(value)}`,
    show: (name) => `echo "K=$${name}"`,
    noop: 'true',
    script: {
      file: 'script.fish',
      text: `source ${shQuote(shellsDir('stsenv.fish'))}\nstsenv assume ${ROLE} --duration 15m\nset -g STSENV_REFRESH_BEFORE 20m\ntrue\ntrue\necho "K=$AWS_ACCESS_KEY_ID"\n`,
      run: 'fish --no-config SCRIPT',
    },
  },
  {
    name: 'pwsh',
    start: `pwsh -NoProfile -NoLogo`,
    // Numbered: PSReadLine redraws the prompt as it echoes what is typed, so only the next number is a new prompt.
    init: [
      `function prompt { $global:__test_prompts++; "${READY}$($global:__test_prompts) " }`,
      `. '${shellsDir('stsenv.ps1')}'`,
    ],
    numbered: true,
    set: (name, value) => `$env:${name} = '${value}'`,
    show: (name) => `"K=$env:${name}"`,
    noop: '$null',
    script: {
      file: 'script.ps1',
      text: `. '${shellsDir('stsenv.ps1')}'\nstsenv assume ${ROLE} --duration 15m\n$env:STSENV_REFRESH_BEFORE = '20m'\n$null\n"K=$env:AWS_ACCESS_KEY_ID"\n`,
      run: 'pwsh -NoProfile -NonInteractive -File SCRIPT',
    },
  },
  {
    name: 'xonsh',
    start: `xonsh --no-rc -i --shell-type readline`,
    init: [`$PROMPT = '${READY} '`, `execx(open('${shellsDir('stsenv.xsh')}').read())`],
    set: (name, value) => `$${name} = '${value}'`,
    show: (name) => `print('K=' + $${name})`,
    noop: 'pass',
    script: {
      file: 'script.xsh',
      text: `execx(open('${shellsDir('stsenv.xsh')}').read())\nstsenv assume ${ROLE} --duration 15m\n$STSENV_REFRESH_BEFORE = '20m'\npass\nprint('K=' + $AWS_ACCESS_KEY_ID)\n`,
      run: 'xonsh --no-rc SCRIPT',
    },
    env: { XONSH_HISTORY_BACKEND: 'dummy' },
  },
  {
    // No script case: the file needs the REPL's edit: module, which scripts do not have (rc.elv is interactive only).
    name: 'elvish',
    // The prompt from an rc file: the editor must show it before anything is typed.
    start: `elvish -rc RC`,
    rc: `set edit:prompt = { put '${READY} ' }\nset edit:rprompt = { put '' }\n`,
    init: [`eval (slurp < '${shellsDir('stsenv.elv')}')`],
    set: (name, value) => `set E:${name} = '${value}'`,
    show: (name) => `echo K=$E:${name}`,
    noop: 'nop',
  },
  {
    // Read as users do: eval joins the file's lines into one (README "Shell integration").
    name: 'tcsh',
    start: `tcsh -f -i`,
    // Numbered, as zsh: precmd counts the prompts (stsenv's init keeps an alias defined before it).
    init: [
      `set __n = 0; alias precmd '@ __n++'; set prompt = '${READY}%$__n '`,
      `eval "\`cat ${shQuote(shellsDir('stsenv.tcsh'))}\`"`,
    ],
    numbered: true,
    set: (name, value) => `setenv ${name} ${shQuote(value)}`,
    show: (name) => `echo "K=$${name}"`,
    noop: 'true',
    script: {
      file: 'script.csh',
      text: `eval "\`cat ${shQuote(shellsDir('stsenv.tcsh'))}\`"\nstsenv assume ${ROLE} --duration 15m\nsetenv STSENV_REFRESH_BEFORE 20m\ntrue\ntrue\necho "K=$AWS_ACCESS_KEY_ID"\n`,
      run: 'tcsh -f SCRIPT',
    },
  },
  {
    name: 'nu',
    start: `${shQuote(nuExecutable())} --no-config-file -e RC`,
    rc: `$env.PROMPT_COMMAND = {|| '${READY} ' }; $env.PROMPT_INDICATOR = ''; $env.PROMPT_COMMAND_RIGHT = ''`,
    init: [`source '${shellsDir('stsenv.nu')}'`],
    echoFirst: true,
    set: (name, value) => `$env.${name} = '${value}'`,
    show: (name) => `print $"K=($env.${name})"`,
    noop: 'null',
    script: {
      file: 'script.nu',
      text: `source '${shellsDir('stsenv.nu')}'\nstsenv assume ${ROLE} --duration 15m\n$env.STSENV_REFRESH_BEFORE = '20m'\nnull\nprint $"K=($env.AWS_ACCESS_KEY_ID)"\n`,
      run: `${shQuote(nuExecutable())} --no-config-file SCRIPT`,
    },
  },
];

let counter = '';
const sts = useStsFixture({
  eachTest: true,
  setup: ({ home }) => {
    writeBaseProfile(home.dir);
    // stsenv on PATH as npm installs it, counting its starts.
    const bin = join(home.dir, 'bin');
    mkdirSync(bin);
    counter = join(home.dir, 'starts');
    writeFileSync(
      join(bin, 'stsenv'),
      `#!/bin/sh\necho "$*" >> ${shQuote(counter)}\nexec ${shQuote(process.execPath)} ${shQuote(CLI)} "$@"\n`,
      { mode: 0o755 },
    );
  },
});

function starts(): string[] {
  return existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean) : [];
}

function environment(shell: HookShell): NodeJS.ProcessEnv {
  const home = sts.home.dir;
  return isolatedEnv(home, {
    PATH: `${join(home, 'bin')}:${process.env.PATH}`,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: 'work',
    AWS_ENDPOINT_URL_STS: sts.fake.url,
    STSENV_SHELL: undefined,
    TERM: 'xterm',
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    ...shell.env,
  });
}

/** Types a line and waits for the next prompt; answers what the terminal showed meanwhile. */
const prompts = new WeakMap<PtySession, number>();
const numberedPrompts = new WeakSet<PtySession>();
const echoFirst = new WeakSet<PtySession>();

async function line(session: PtySession, text: string): Promise<string> {
  const from = session.raw.length;
  const numbered = numberedPrompts.has(session);
  if (echoFirst.has(session)) {
    // The line editor redraws the prompt at every key: Enter only once all of the line is shown.
    const tail = text.slice(-12).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await session.press(text, new RegExp(`${tail}$`));
  }
  const next = (prompts.get(session) ?? 0) + 1;
  prompts.set(session, next);
  // Window titles (OSC) and the shell's own redraws may follow the prompt: the prompt is the last text shown.
  await session.press(echoFirst.has(session) ? '\r' : `${text}\r`, new RegExp(`${READY}${numbered ? next : ''}\\s*$`));
  return shown(session.raw.slice(from));
}

function shown(raw: string): string {
  return screenText(raw.replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, ''));
}

async function keyOf(session: PtySession, shell: HookShell): Promise<string> {
  const shown = await line(session, shell.show('AWS_ACCESS_KEY_ID'));
  const match = /^K=([^\s"]*)\r?$/m.exec(shown);
  assert.ok(match, `the shell showed the key:\n${shown}`);
  return match[1]!;
}

/**
 * Ends the shell as a person does, and waits: a shell killed instead writes its
 * history into the HOME while the next test removes it.
 */
async function finish(session: PtySession): Promise<void> {
  const timer = setTimeout(() => session.kill(), 20_000);
  try {
    await session.press('exit\r', /[\s\S]/).catch(() => {});
    await session.exit;
  } finally {
    clearTimeout(timer);
  }
}

function findExecutable(t: TestContext, shell: HookShell): boolean {
  if (!scriptExecutable()) {
    t.skip('script (util-linux) is not installed');
    return false;
  }
  if (shell.name === 'pwsh') {
    if (which('pwsh', `${process.env.PATH}:${process.env.HOME}/.dotnet/tools`)) return true;
    t.skip('pwsh is not installed');
    return false;
  }
  return requireShellOrSkip(t, shell.name) !== undefined;
}

async function startShell(shell: HookShell): Promise<PtySession> {
  const env = environment(shell);
  env.PATH = `${env.PATH}:${process.env.HOME}/.dotnet/tools`;
  let start = shell.start;
  if (shell.rc !== undefined) {
    const rc = join(sts.home.dir, `rc-${shell.name}`);
    writeFileSync(rc, shell.rc);
    start = start.replace('-e RC', `-e ${shQuote(shell.rc)}`).replace('RC', shQuote(rc));
  }
  const session = startPty(scriptExecutable()!, start, env, { columns: 200, rows: 50 }, 120_000, {
    answerCursorQueries: true,
  });
  if (shell.name === 'bash' || shell.rc !== undefined) await session.waitFor(new RegExp(READY));
  else await session.waitFor(/./);
  if (shell.numbered) numberedPrompts.add(session);
  if (shell.echoFirst) echoFirst.add(session);
  for (const text of shell.init) await line(session, text);
  return session;
}

/** The endpoint's next credentials expire in ten minutes. */
function shortLived(): void {
  sts.fake.failNext({ expiration: new Date(Date.now() + 10 * 60_000) });
}

for (const shell of SHELLS) {
  describe(`long sessions in ${shell.name}`, { timeout: 180_000 }, () => {
    test('no stsenv at twenty prompts far from expiry; the first prompt past the threshold gets the keys the endpoint issued, and says so once', async (t) => {
      if (!findExecutable(t, shell)) return;
      const session = await startShell(shell);
      try {
        shortLived();
        await line(session, `stsenv assume ${ROLE} --duration 15m`);
        const first = sts.fake.issued.at(-1)!;
        assert.equal(await keyOf(session, shell), first.accessKeyId);
        const before = starts().length;
        const requests = sts.fake.requests.length;
        for (let i = 0; i < 20; i++) await line(session, shell.noop);
        assert.equal(
          starts().length,
          before,
          `no stsenv at prompts far from expiry: ${starts().slice(before).join(' | ')}`,
        );
        assert.equal(sts.fake.requests.length, requests);

        const shown = await line(session, shell.set('STSENV_REFRESH_BEFORE', '11m'));
        assert.equal(sts.fake.issued.length, 2, 'one refresh');
        const second = sts.fake.issued.at(-1)!;
        assert.notEqual(second.accessKeyId, first.accessKeyId);
        assert.match(
          shown,
          new RegExp(`stsenv: refreshed deploy until ${second.expiration.toISOString().replace(/\.\d+Z$/, 'Z')}`),
        );
        assert.equal(await keyOf(session, shell), second.accessKeyId);
        const [assumed] = sts.fake.requestsFor('AssumeRole').slice(-1);
        assert.equal(assumed!.params.DurationSeconds, '900', 'the recorded duration');
        assert.equal(
          assumed!.accessKeyId,
          'AKIDBASEEXAMPLE00001',
          'signed by the profile, not by the credentials it replaces',
        );
      } finally {
        await finish(session);
      }
    });

    test('a denied refresh keeps the old keys and says so in one line, once; after unset nothing refreshes', async (t) => {
      if (!findExecutable(t, shell)) return;
      const session = await startShell(shell);
      try {
        shortLived();
        await line(session, `stsenv assume ${ROLE} --duration 15m`);
        const first = sts.fake.issued.at(-1)!;
        sts.fake.failAlways({ error: 'AccessDenied', message: 'not allowed' });
        const shown = await line(session, shell.set('STSENV_REFRESH_BEFORE', '11m'));
        assert.equal(shown.match(/could not refresh deploy/g)?.length, 1, shown);
        assert.match(shown, /AccessDenied|not allowed|access denied/i);
        const later: string[] = [];
        for (let i = 0; i < 3; i++) later.push(await line(session, shell.noop));
        assert.doesNotMatch(later.join(''), /stsenv:/, 'said once');
        assert.equal(await keyOf(session, shell), first.accessKeyId, 'the old keys stay');

        sts.fake.reset();
        await line(session, 'stsenv unset');
        const before = starts().length;
        for (let i = 0; i < 3; i++) await line(session, shell.noop);
        assert.equal(starts().length, before, 'nothing runs after unset');
        assert.equal(sts.fake.requests.length, 0);
      } finally {
        await finish(session);
      }
    });

    if (shell.script) {
      const script = shell.script;
      test('a script does not refresh', async (t) => {
        if (!findExecutable(t, shell)) return;
        const file = join(sts.home.dir, script.file);
        writeFileSync(file, script.text);
        const out = join(sts.home.dir, 'script.out');
        shortLived();
        const session = startPty(
          scriptExecutable()!,
          `${script.run.replace('SCRIPT', shQuote(file))} > ${shQuote(out)} 2>&1`,
          { ...environment(shell), PATH: `${environment(shell).PATH}:${process.env.HOME}/.dotnet/tools` },
        );
        assert.equal(await session.exit, 0, readFileSync(out, 'utf8'));
        assert.equal(sts.fake.issued.length, 1, readFileSync(out, 'utf8'));
        assert.match(readFileSync(out, 'utf8'), new RegExp(`K=${sts.fake.issued[0]!.accessKeyId}`));
      });
    }
  });
}

describe('long sessions in tcsh: the user precmd and the prompt', { timeout: 120_000 }, () => {
  const tcsh = SHELLS.find((shell) => shell.name === 'tcsh')!;
  test('a precmd alias defined before the init line still runs, once per prompt; %$STSENV_PROMPT and stsenv_prompt show the time left', async (t) => {
    if (!findExecutable(t, tcsh)) return;
    const session = await startShell({
      ...tcsh,
      init: [tcsh.init[0]!, `alias precmd '@ __n++; echo "user precmd"'`, tcsh.init[1]!, tcsh.init[1]!],
    });
    try {
      assert.equal(
        (await line(session, 'true')).match(/user precmd/g)?.length,
        1,
        'chained once, though the init line ran twice',
      );
      shortLived();
      await line(session, `stsenv assume ${ROLE} --duration 15m`);
      assert.match(await line(session, 'stsenv_prompt'), /^deploy (9|10)m\r?$/m);
      await line(session, `set prompt = '[%$STSENV_PROMPT] ${READY}%$__n '`);
      assert.match(await line(session, 'true'), /\[deploy (9|10)m\] /);
      await line(session, 'stsenv unset');
      assert.match(await line(session, 'true'), /\[\] /);
      assert.match(await line(session, 'true'), /user precmd/);
    } finally {
      await finish(session);
    }
  });
});
