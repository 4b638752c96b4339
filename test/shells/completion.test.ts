/**
 * Completion: `stsenv completion SHELL` prints a script that calls
 * `stsenv __complete WORD...` at each Tab. What the callback offers is read
 * from the option tables (so a new option completes with no code of its own)
 * and, for --profile, from the user's config at that moment. The scripts are
 * run in the real shells: bash (COMPREPLY), zsh (its completion function,
 * and a real Tab in a terminal under tmux), fish (`complete -C`) and pwsh
 * (`TabExpansion2`).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { completeWords } from '../../src/cli/complete.js';
import { loadCommands, type AnyCommand } from '../../src/commands/index.js';
import { FORMAT_NAMES } from '../../src/shells/index.js';
import { INTEGRATION_NAMES } from '../../src/shells/integration.js';
import { isolatedEnv, runCli, stsenvOnPath, tempDir } from '../support/run-cli.js';
import {
  findShell,
  isShellRequired,
  psQuote,
  pwshEnv,
  requireShellOrSkip,
  runPwshScript,
  runShellScript,
  shQuote,
  which,
} from '../support/shells.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const CONFIG = `[default]
region = us-east-1

[profile dev]
region = eu-west-1

[profile prod-admin]
role_arn = ${ROLE}
source_profile = dev

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[services local]
sts =
  endpoint_url = http://127.0.0.1:9
`;

const home = tempDir();
let bin: string;
let commands: AnyCommand[];
let configFile: string;

before(async () => {
  commands = await loadCommands();
  bin = stsenvOnPath(home.dir);
  mkdirSync(join(home.dir, '.aws'));
  configFile = join(home.dir, '.aws', 'config');
  writeFileSync(configFile, CONFIG);
  writeFileSync(
    join(home.dir, '.aws', 'credentials'),
    '[keys-only]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n',
  );
});
after(() => home.cleanup());

/** The environment of a shell a user completes in: stsenv on PATH, the config above. */
function userEnv(extra: NodeJS.ProcessEnv = {}): Record<string, string> {
  return isolatedEnv(home.dir, { PATH: `${bin}:${process.env.PATH}`, STSENV_SHELL: undefined, ...extra }) as Record<
    string,
    string
  >;
}

async function values(words: string[], env: NodeJS.ProcessEnv = userEnv()): Promise<string[]> {
  return (await completeWords(words, commands, env)).map((c) => c.value);
}

describe('__complete: what a word completes to', () => {
  test('the commands, with their descriptions, and help', async () => {
    const all = await completeWords([''], commands, userEnv());
    assert.deepEqual(
      all.map((c) => c.value),
      [...commands.map((c) => c.name), 'help'],
    );
    assert.equal(all[0]!.description, commands[0]!.describe);
    assert.deepEqual(await values(['s']), ['session', 'saml', 'sso']);
    assert.deepEqual(await values(['help', 'w']), ['web-identity', 'whoami']);
  });

  test("each command's own options, straight from its table", async () => {
    for (const command of commands) {
      const offered = await values([command.name, '--']);
      for (const name of Object.keys(command.options))
        assert.ok(offered.includes(`--${name}`), `${command.name} offers --${name}`);
      for (const name of ['--debug', '--help']) assert.ok(offered.includes(name), `${command.name} offers ${name}`);
      const foreign = commands
        .flatMap((c) => Object.keys(c.options))
        .filter((name) => !Object.hasOwn(command.options, name));
      for (const name of foreign) assert.ok(!offered.includes(`--${name}`), `${command.name} does not offer --${name}`);
    }
  });

  test('an option given already is not offered again, unless it repeats; --no-x where its help names it', async () => {
    const offered = await values(['assume', ROLE, '--duration', '1h', '--tag', 'a=b', '--']);
    assert.ok(!offered.includes('--duration'));
    assert.ok(offered.includes('--tag'));
    assert.deepEqual(await values(['assume', '--no-']), ['--no-cache', '--no-prompt']);
    assert.deepEqual(await values(['sso', 'login', '--no-']), ['--no-browser']);
  });

  test('--shell: the formats of the registry, also written --shell=VALUE', async () => {
    assert.deepEqual(await values(['assume', '--shell', '']), [...FORMAT_NAMES]);
    assert.deepEqual(
      await values(['export', '-s', 'p']),
      FORMAT_NAMES.filter((n) => n.startsWith('p')),
    );
    assert.deepEqual(await values(['assume', '--shell=f']), ['--shell=fish']);
  });

  test('--profile: the profiles of the config and credentials files, read as every command reads them', async () => {
    assert.deepEqual((await values(['assume', '--profile', ''])).sort(), ['default', 'dev', 'keys-only', 'prod-admin']);
    assert.deepEqual(await values(['--profile', 'p']), ['prod-admin']);
    assert.deepEqual(await values(['sso', 'login', '--profile', 'd']), ['default', 'dev']);
    assert.deepEqual(await values(['sso', 'logout', '--sso-session', '']), ['corp']);
    // A config the loader refuses: nothing to offer, and no error on the terminal.
    const broken = join(home.dir, 'broken-config');
    writeFileSync(broken, 'region = x\n');
    assert.deepEqual(await values(['assume', '--profile', ''], userEnv({ AWS_CONFIG_FILE: broken })), []);
  });

  test('positionals: their choices, the shells of init and completion', async () => {
    assert.deepEqual(await values(['cache', '']), ['list', 'clear']);
    assert.deepEqual(await values(['sso', '--profile', 'dev', 'l']), ['login', 'logout']);
    assert.deepEqual(await values(['init', '']), [...INTEGRATION_NAMES]);
    assert.deepEqual(await values(['completion', '']), ['bash', 'zsh', 'fish', 'powershell', 'pwsh']);
    assert.deepEqual(await values(['cache', 'list', '']), []);
  });

  test('options before the command; nothing after exec --', async () => {
    assert.deepEqual(await values(['--region', 'eu-west-1', 'as']), ['assume']);
    assert.deepEqual(await values(['--profile', 'session', 'who']), ['whoami']);
    assert.deepEqual(await values(['exec', ROLE, '--', 'aws', '--']), []);
  });
});

describe('__complete --profile: the names the SDK loader sees, from the built bundle as from the source', () => {
  // Odd names and spacing: every header is looked at (the plain-header shortcut does not apply).
  const ODD_CONFIG = [
    '[default]',
    'region = us-east-1',
    '[profile dev]',
    'region = eu-west-1',
    '[profile  spaced ]',
    'region = eu-west-1',
    '[profile "quoted"]',
    'region = eu-west-1',
    "[profile 'single']",
    'region = eu-west-1',
    '[profile.dotted name]',
    'region = eu-west-1',
    '[profile two words]',
    'region = eu-west-1',
    '[profile default]',
    'output = json',
    '[profile dev]',
    'output = json',
    '[profile empty]',
    '[profile later]',
    '# a comment first',
    'region = eu-west-1',
    '[profile 42]',
    'region = eu-west-1',
    '[profile constructor]',
    'region = eu-west-1',
    '[profile d$(x)]',
    'region = eu-west-1',
    '[sso-session corp]',
    'sso_region = eu-west-1',
    '  [profile indented] ; note',
    'region = eu-west-1',
  ].join('\n');
  const ODD_CREDENTIALS = [
    '[keys only]',
    'aws_access_key_id = A',
    "[it's]",
    'aws_access_key_id = A',
    '[dev]',
    'aws_access_key_id = A',
    '[profile  x ]',
    'aws_access_key_id = A',
    '[7]',
    'aws_access_key_id = A',
    '[toString]',
    'aws_access_key_id = A',
    '[\u00e9t\u00e9]',
    'aws_access_key_id = A',
  ].join('\n');
  // The plain headers thousands of profiles have: names listed without a look at each section.
  const PLAIN_CONFIG = Array.from(
    { length: 200 },
    (_, n) => `[profile p${n}]\nrole_arn = ${ROLE}\nsource_profile = base\n`,
  ).join('\n');
  const PLAIN_CREDENTIALS = '[base]\naws_access_key_id = A\n[p7]\naws_access_key_id = A\n';

  async function sdkNames(configFilepath: string, filepath: string): Promise<string[]> {
    const { parseKnownFiles } = await import('@smithy/core/config');
    return Object.keys(await parseKnownFiles({ configFilepath, filepath, ignoreCache: true })).filter(
      (name) => !/^(?:sso-session|services)\./.test(name),
    );
  }

  for (const [label, config, credentials] of [
    ['odd names', ODD_CONFIG, ODD_CREDENTIALS],
    ['plain headers', PLAIN_CONFIG, PLAIN_CREDENTIALS],
  ] as const) {
    test(label, async () => {
      const configPath = join(home.dir, `config-${label.replace(' ', '-')}`);
      const credentialsPath = join(home.dir, `credentials-${label.replace(' ', '-')}`);
      writeFileSync(configPath, config);
      writeFileSync(credentialsPath, credentials);
      const env = userEnv({ AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath });
      const expected = await sdkNames(configPath, credentialsPath);
      assert.ok(expected.length > 5, expected.join(', '));
      // The files as they were written, then as a later Tab finds them: from the names kept at the first (cache/profile-names.ts).
      for (const round of ['read', 'kept']) {
        if (round === 'kept') await new Promise((resolve) => setTimeout(resolve, 150));
        for (const current of ['', 'd', 'p1', 'k', 'nope']) {
          const fromSource = await values(['assume', '--profile', current], env);
          assert.deepEqual(
            fromSource,
            expected.filter((name) => name.startsWith(current)),
            `source, ${label}, '${current}'`,
          );
          const built = await runCli(['__complete', 'assume', '--profile', current], { env });
          assert.equal(built.stderr, '');
          const lines = fromSource.map((name) => `${name}\n`).join('');
          assert.equal(built.stdout, lines, `built, ${label}, ${round}, '${current}'`);
        }
      }
      const folder = join(home.dir, '.cache', 'stsenv-profile-names');
      assert.ok(
        readdirSync(folder).some((name) =>
          readFileSync(join(folder, name), 'utf8').includes(JSON.stringify(configPath)),
        ),
        'the names were kept',
      );
    });
  }
});

describe('stsenv completion', () => {
  test('prints the file of shells/ for each shell', async () => {
    for (const [shell, file] of [
      ['bash', 'stsenv-completion.bash'],
      ['zsh', 'stsenv-completion.zsh'],
      ['fish', 'stsenv-completion.fish'],
      ['powershell', 'stsenv-completion.ps1'],
      ['pwsh', 'stsenv-completion.ps1'],
    ]) {
      const run = await runCli(['completion', shell!], { env: userEnv() });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, readFileSync(new URL(`../../shells/${file}`, import.meta.url), 'utf8'), shell);
    }
  });

  test('without SHELL: the shell stsenv detects (the parent process, STSENV_SHELL)', async (t) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const fromBash = await runShellScript('bash', 'stsenv completion', { env: userEnv() });
    assert.equal(fromBash.code, 0, fromBash.stderr);
    assert.match(fromBash.stdout.toString('utf8'), /^complete -o default -F _stsenv_complete stsenv$/m);
    const fish = await runCli(['completion'], { env: userEnv({ STSENV_SHELL: 'fish' }) });
    assert.match(fish.stdout, /^complete -c stsenv -f/m);
    const sh = await runCli(['completion'], { env: userEnv({ STSENV_SHELL: 'sh' }) });
    assert.equal(sh.code, 2);
    assert.equal(sh.stdout, '');
    assert.match(
      sh.stderr,
      /^stsenv: error: stsenv completion has no script for the shell running stsenv \(sh\) \(name one: stsenv completion bash\|zsh\|fish\|powershell\)\n$/,
    );
  });

  test("yargs' own completion is gone; under an init function the callback is run again as it is", async () => {
    const old = await runCli(['--get-yargs-completions', 'stsenv', 'as'], { env: userEnv() });
    assert.equal(old.code, 2);
    for (const args of [
      ['__complete', 'as'],
      ['completion', 'bash'],
    ]) {
      const run = await runCli(args, { env: userEnv({ STSENV_EVAL: 'bash' }) });
      assert.equal(run.stdout, '::stsenv-run\n', args.join(' '));
    }
    const direct = await runCli(['__complete', 'assume', '--profile', 'd'], { env: userEnv() });
    assert.equal(direct.stdout, 'default\ndev\n');
    assert.equal(direct.stderr, '');
  });
});

/** Each line a user types, and what the shell must then offer (all of it, or at least these). */
const CASES: Array<{ line: string; exactly?: string[]; includes?: string[] }> = [
  { line: 'stsenv as', exactly: ['assume'] },
  { line: 'stsenv ', includes: ['assume', 'session', 'whoami', 'cache', 'sso', 'completion', 'help'] },
  { line: 'stsenv assume --sess', exactly: ['--session-name'] },
  { line: 'stsenv assume --shell f', exactly: ['fish'] },
  { line: 'stsenv init p', exactly: ['powershell', 'pwsh'] },
  { line: 'stsenv cache c', exactly: ['clear'] },
  { line: 'stsenv --region eu-west-1 who', exactly: ['whoami'] },
  { line: 'stsenv assume --profile ', exactly: ['default', 'dev', 'keys-only', 'prod-admin'] },
];

function checkCase(shell: string, { line, exactly, includes }: (typeof CASES)[number], offered: string[]): void {
  if (exactly) assert.deepEqual([...offered].sort(), [...exactly].sort(), `${shell}: ${line}`);
  for (const word of includes ?? [])
    assert.ok(offered.includes(word), `${shell}: ${line} offers ${word}: ${offered.join(' ')}`);
}

/** A profile added to the config after the script was loaded: completion reads the config at each Tab. */
const LATER = '\n[profile added-later]\nregion = eu-north-1\n';

describe('the scripts in the real shells', () => {
  test('bash: COMPREPLY of the completion function, with the init function defined too', async (t) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const later = join(home.dir, 'config-bash');
    writeFileSync(later, CONFIG);
    // What bash sets before it calls the function: COMP_WORDS split at COMP_WORDBREAKS (= and : too).
    const complete = (line: string) => {
      const words = line.split(/[ ]+|(?<=[=:])|(?=[=:])/).filter((w, i, all) => w !== '' || i === all.length - 1);
      return `COMP_LINE=${shQuote(line)}; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(${words.map(shQuote).join(' ')}); COMP_CWORD=${words.length - 1}; _stsenv_complete; printf '%s\\n' "\${COMPREPLY[*]}"`;
    };
    const script = [
      'eval "$(stsenv init bash)"',
      'eval "$(stsenv completion bash)"',
      'complete -p stsenv',
      ...CASES.map((c) => complete(c.line)),
      complete('stsenv assume --shell=p'),
      complete('stsenv assume arn:aws:iam::123456789012:role/x --no-'),
      complete('stsenv assume --profile '),
      `printf '%s' ${shQuote(LATER)} >> "$AWS_CONFIG_FILE"`,
      complete('stsenv assume --profile a'),
    ].join('\n');
    const result = await runShellScript('bash', script, { env: userEnv({ AWS_CONFIG_FILE: later }) });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.toString('utf8').split('\n');
    assert.equal(lines[0], 'complete -o default -F _stsenv_complete stsenv');
    for (const [i, c] of CASES.entries()) checkCase('bash', c, lines[i + 1]!.split(' ').filter(Boolean));
    // bash replaces only its own part of `--shell=p` (after the =), and of the role ARN.
    assert.equal(lines[CASES.length + 1], 'posix powershell pwsh');
    assert.equal(lines[CASES.length + 2], '--no-cache --no-prompt');
    assert.equal(lines[CASES.length + 4], 'added-later');
  });

  test('zsh: the completion function, as compsys calls it', async (t) => {
    if (!requireShellOrSkip(t, 'zsh')) return;
    // compadd and _files only work inside a completion widget: here they print what they are given.
    const script = [
      'compdef() { print -r -- "compdef $*"; }',
      'compadd() { local -a opts; zparseopts -D -E -a opts l d:=__display a; print -r -- "values:${(j: :)${(@P)1}}"; print -r -- "shown:${(j:|:)${(@P)${__display[2]}}}"; }',
      '_files() { print -r -- files; }',
      'eval "$(stsenv completion zsh)"',
      ...CASES.map(({ line }) => {
        const words = line.split(' ');
        return `words=(${words.map(shQuote).join(' ')}); CURRENT=${words.length}; _stsenv`;
      }),
      `words=(stsenv exec ${ROLE} -- a); CURRENT=5; _stsenv`,
    ].join('\n');
    const result = await runShellScript('zsh', script, { env: userEnv() });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.toString('utf8').split('\n');
    assert.equal(lines[0], 'compdef _stsenv stsenv');
    for (const [i, c] of CASES.entries())
      checkCase(
        'zsh',
        c,
        lines[1 + 2 * i]!.replace(/^values:/, '')
          .split(' ')
          .filter(Boolean),
      );
    assert.match(lines[2]!, /^shown:assume {2}-- Assume a role/);
    assert.equal(lines[1 + 2 * CASES.length], 'files', 'nothing to offer: file names');
  });

  test('zsh: a real Tab in a terminal (tmux)', async (t) => {
    if (!requireShellOrSkip(t, 'zsh')) return;
    if (!which('tmux')) {
      if (isShellRequired('zsh')) assert.fail('tmux is needed to press Tab in zsh');
      t.skip('tmux not installed');
      return;
    }
    const socket = `stsenv-completion-${process.pid}`;
    const tmux = (...args: string[]) =>
      execFileSync('tmux', ['-L', socket, ...args], {
        env: { ...process.env, TMUX_TMPDIR: home.dir },
        encoding: 'utf8',
      });
    const env = Object.entries(userEnv({ TERM: 'xterm' })).map(([k, v]) => `${k}=${v}`);
    tmux('new-session', '-d', '-x', '150', '-y', '40', 'env', '-i', ...env, findShell('zsh')!, '-f');
    try {
      /** Waits until the screen shows `pattern` (or 20 s pass); returns the screen. */
      const screen = async (pattern: RegExp): Promise<string> => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const text = tmux('capture-pane', '-p');
          if (pattern.test(text) || Date.now() > deadline) return text;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      tmux(
        'send-keys',
        'autoload -U compinit && compinit -u -D && eval "$(stsenv completion zsh)" && print ready',
        'Enter',
      );
      assert.match(await screen(/^ready$/m), /^ready$/m);
      // The screen has no trailing blanks: the space a completed word gets shows in what comes after it.
      tmux('send-keys', 'stsenv assume --sh', 'Tab');
      assert.match(await screen(/stsenv assume --shell$/m), /stsenv assume --shell$/m);
      tmux('send-keys', 'f', 'Tab');
      assert.match(await screen(/stsenv assume --shell fish$/m), /stsenv assume --shell fish$/m);
      tmux('send-keys', '-l', '--', '--prof');
      tmux('send-keys', 'Tab');
      // Their common part first; at the second Tab zsh lists --profile and --profile-name, with their descriptions.
      assert.match(await screen(/stsenv assume --shell fish --profile$/m), /stsenv assume --shell fish --profile$/m);
      tmux('send-keys', 'Tab');
      assert.match(await screen(/--profile-name +-- Section name/), /--profile +-- Profile for the base credentials/);
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: { ...process.env, TMUX_TMPDIR: home.dir } });
    }
  });

  test('fish: complete -C', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    const later = join(home.dir, 'config-fish');
    writeFileSync(later, CONFIG);
    const script = [
      'stsenv completion fish | source',
      ...[...CASES.map((c) => c.line), 'stsenv assume --shell=p', 'stsenv exec x -- '].flatMap((line) => [
        `complete -C ${shQuote(line)}`,
        'echo ---',
      ]),
      `printf '%s' ${shQuote(LATER)} >> $AWS_CONFIG_FILE`,
      "complete -C 'stsenv assume --profile a'",
    ].join('\n');
    const result = await runShellScript('fish', script, { env: userEnv({ AWS_CONFIG_FILE: later }) });
    assert.equal(result.code, 0, result.stderr);
    const blocks = result.stdout
      .toString('utf8')
      .split('---\n')
      .map((block) => block.split('\n').filter(Boolean));
    for (const [i, c] of CASES.entries())
      checkCase(
        'fish',
        c,
        blocks[i]!.map((l) => l.split('\t')[0]!),
      );
    assert.deepEqual(
      blocks[0],
      ['assume\tAssume a role (AssumeRole) and print the credentials'],
      'with its description',
    );
    assert.deepEqual(blocks[CASES.length], ['--shell=posix', '--shell=powershell', '--shell=pwsh']);
    assert.ok(blocks[CASES.length + 1]!.length > 0, 'after exec --: the file names of the folder');
    assert.deepEqual(blocks[CASES.length + 2], ['added-later']);
  });

  test('pwsh: TabExpansion2, with the init function defined too', async (t) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const later = join(home.dir, 'config-pwsh');
    writeFileSync(later, CONFIG);
    const show = (line: string) =>
      `$r = TabExpansion2 -inputScript ${psQuote(line)} -cursorColumn ${line.length}; ($r.CompletionMatches | ForEach-Object { $_.CompletionText }) -join ' '`;
    const script = [
      '$ErrorActionPreference = "Stop"',
      'stsenv completion powershell | Out-String | Invoke-Expression',
      'Invoke-Expression (& stsenv init powershell | Out-String)',
      ...CASES.map((c) => show(c.line)),
      show('stsenv assume --shell=p'),
      `$r = TabExpansion2 -inputScript 'stsenv as' -cursorColumn 9; $r.CompletionMatches[0].ToolTip`,
      `Add-Content -Path $env:AWS_CONFIG_FILE -Value ${psQuote(LATER)}`,
      show('stsenv assume --profile a'),
    ].join('\n');
    const result = await runPwshScript(script, { env: pwshEnv(userEnv({ AWS_CONFIG_FILE: later, HOME: undefined })) });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.toString('utf8').split(/\r?\n/);
    for (const [i, c] of CASES.entries()) checkCase('pwsh', c, lines[i]!.split(' ').filter(Boolean));
    assert.equal(lines[CASES.length], '--shell=posix --shell=powershell --shell=pwsh');
    assert.equal(lines[CASES.length + 1], 'Assume a role (AssumeRole) and print the credentials');
    assert.equal(lines[CASES.length + 2], 'added-later');
  });
});

describe('a hostile profile name is inserted as one literal word', () => {
  // A credentials file can name a profile anything; completed and Entered, the name must not run.
  const canary = join(home.dir, 'completion-canary');
  const name = `pw$(touch\${IFS}${canary})`;
  const hostileEnv = () => {
    const credentials = join(home.dir, 'credentials-hostile');
    writeFileSync(credentials, `[${name}]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n`);
    return userEnv({ AWS_SHARED_CREDENTIALS_FILE: credentials });
  };

  test('bash: the reply is quoted, and the line it makes gives back the name', async (t) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const script = [
      'eval "$(stsenv completion bash)"',
      "COMP_LINE='stsenv assume --profile pw'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(stsenv assume --profile pw); COMP_CWORD=3; _stsenv_complete",
      // What Enter runs: the reply as bash inserted it into the line.
      'eval "printf \'%s\\n\' ${COMPREPLY[0]}"',
    ].join('\n');
    const result = await runShellScript('bash', script, { env: hostileEnv() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString('utf8'), `${name}\n`);
    assert.equal(existsSync(canary), false, 'the name ran a command');
  });

  test('pwsh: the completion text is single-quoted, and the line it makes gives back the name', async (t) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const script = [
      '$ErrorActionPreference = "Stop"',
      'stsenv completion powershell | Out-String | Invoke-Expression',
      "$r = TabExpansion2 -inputScript 'stsenv assume --profile pw' -cursorColumn 26",
      '$text = $r.CompletionMatches[0].CompletionText',
      'Invoke-Expression "Write-Output $text"',
    ].join('\n');
    const result = await runPwshScript(script, { env: pwshEnv(hostileEnv()) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString('utf8').trim(), name);
    assert.equal(existsSync(canary), false, 'the name ran a command');
  });

  test('__complete offers no value with a C1 or bidi control, and shows descriptions escaped', async () => {
    const credentials = join(home.dir, 'credentials-c1');
    writeFileSync(
      credentials,
      '[ok]\naws_access_key_id = A\n[bad\u009b2J]\naws_access_key_id = A\n[rtl\u202eevil]\naws_access_key_id = A\n',
    );
    // Read from the files (the names not kept yet, then kept), then from the names kept: dropped every time.
    for (const round of ['read', 'written', 'kept']) {
      if (round === 'written') await new Promise((resolve) => setTimeout(resolve, 150));
      const run = await runCli(['__complete', 'assume', '--profile', ''], {
        env: userEnv({ AWS_SHARED_CREDENTIALS_FILE: credentials }),
      });
      assert.doesNotMatch(run.stdout, /[\u0080-\u009f\u202e]/, round);
      assert.match(run.stdout, /^ok$/m, round);
    }
  });
});
