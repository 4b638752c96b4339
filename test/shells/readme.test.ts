/**
 * README's examples, read from README itself: every `stsenv ...` command
 * line it shows names a command and only options that command has, with
 * values its parser accepts (the CLI's own reading of a command line,
 * src/cli/mistakes.ts); and the one-time install lines that are easy to
 * get wrong run in their real shell.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { checkCommandLine } from '../../src/cli/mistakes.js';
import { helpRequest } from '../../src/cli/tokens.js';
import { loadCommands, type AnyCommand } from '../../src/commands/index.js';
import { FORMATS } from '../../src/shells/index.js';
import { isolatedEnv, stsenvOnPath, tempDir } from '../support/run-cli.js';
import { findShell, nuExecutable, requireShellOrSkip } from '../support/shells.js';
import { spawnSync } from 'node:child_process';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The text of every code block and every inline code span, table pipes unescaped. */
function codeTexts(markdown: string): string[] {
  const texts: string[] = [];
  const withoutBlocks = markdown.replace(/^```[^\n]*\n([\s\S]*?)^```$/gm, (_, body: string) => {
    // A block that shows mistakes and their errors is about wrong lines on purpose.
    if (!/^stsenv: (error|warning)/m.test(body)) texts.push(...body.split('\n'));
    return '';
  });
  for (const m of withoutBlocks.matchAll(/`([^`\n]+)`/g)) texts.push(m[1]!);
  return texts.map((t) => t.replaceAll('\\|', '|'));
}

/**
 * The words of the stsenv command starting at `from`, as a POSIX shell
 * splits them, up to what ends a command (`| ) ; & < >`, a backquote, a comment).
 */
function wordsFrom(text: string, from: number): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end === -1) break;
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ('|);&<>`'.includes(c) || (c === '#' && word === undefined)) {
      // `2>&1`: the 2 is the redirection's, not a word.
      if ((c === '>' || c === '<') && word !== undefined && /^\d+$/.test(word)) word = undefined;
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Every stsenv command line README shows, as words after `stsenv`. */
function commandLines(): Array<{ text: string; args: string[] }> {
  const lines: Array<{ text: string; args: string[] }> = [];
  for (const text of codeTexts(README)) {
    // Where a shell would run it: at the start, after a prompt, or inside $( ), a pipe, quotes, backquotes.
    for (const m of text.matchAll(/(?:^\s*(?:\$\s+)?|[(|;&=`"']\s*)stsenv(?= )/g)) {
      const args = wordsFrom(text, m.index + m[0].length);
      // `stsenv ...` stands for any command; __complete is the shells' completion callback.
      if (args.length > 0 && args[0] !== '...' && !args[0]!.startsWith('__')) lines.push({ text, args });
    }
  }
  return lines;
}

/** A word README puts where the reader fills in their own: ROLE_ARN, NAME, [COMMAND], COMMAND... */
const PLACEHOLDER = /^\[?[A-Z][A-Z_]*\]?(\.\.\.)?$/;

let commands: AnyCommand[];
before(async () => {
  commands = await loadCommands();
});

describe("README's command lines", () => {
  test('there are many, and each names a command with options it has and values it takes', () => {
    const lines = commandLines();
    assert.ok(lines.length > 80, `found ${lines.length}`);
    const wrong: string[] = [];
    for (const { text, args } of lines) {
      const check = checkCommandLine(helpRequest(args) ?? args, commands);
      const mistake = check.mistake?.message;
      // `stsenv init` in a sentence names the command; it is not a line to run.
      const named = args.length === 1 && /needs an? /.test(mistake ?? '');
      if (mistake && !named && !args.some((a) => PLACEHOLDER.test(a) && mistake.includes(a)))
        wrong.push(`${text}\n    -> ${mistake}`);
      if (!check.command && !check.asksHelp && !mistake) wrong.push(`${text}\n    -> names no command`);
      // --shell's value is checked by the command, not the parser: against the format registry here.
      args.forEach((arg, i) => {
        const value =
          arg === '--shell' || arg === '-s' ? args[i + 1] : arg.startsWith('--shell=') ? arg.slice(8) : undefined;
        if (
          value !== undefined &&
          !PLACEHOLDER.test(value) &&
          !FORMATS.some((f) => f.name === value || f.aliases.includes(value))
        )
          wrong.push(`${text}\n    -> unknown --shell ${value}`);
      });
    }
    assert.deepEqual(wrong, []);
  });

  test('a line with a mistake in it is caught (the reader above is not blind)', () => {
    for (const line of [
      'stsenv asume x',
      'stsenv assume --sesion-name x',
      'stsenv exec --profile p aws s3 ls',
      'stsenv frobnicate',
    ]) {
      const args = wordsFrom(line, 'stsenv'.length);
      assert.ok(checkCommandLine(args, commands).mistake, line);
    }
  });
});

describe("README's one-time install lines, in their shells", () => {
  test("nu: the one-time save works when nushell's config folder does not exist yet", (t) => {
    const nu = nuExecutable();
    if (nu === 'nu' && !requireShellOrSkip(t, 'nu')) return;
    const line = codeTexts(README).find((text) => text.includes('stsenv init nu') && text.includes('save --force'));
    assert.ok(line, 'README has the line');
    const once = line
      .slice(line.indexOf(line.includes('mkdir') ? 'mkdir' : 'stsenv init nu'))
      .split(';')
      .slice(0, 2)
      .join(';');
    const home = tempDir();
    try {
      const bin = stsenvOnPath(home.dir);
      const env = {
        ...isolatedEnv(home.dir),
        PATH: `${bin}:${process.env.PATH}`,
        XDG_CONFIG_HOME: join(home.dir, 'no-such-config'),
      };
      const run = spawnSync(nu, ['-n', '-c', once], { env, encoding: 'utf8' });
      assert.equal(run.status, 0, `${once}\n${run.stderr}`);
      assert.match(
        readFileSync(join(home.dir, 'no-such-config', 'nushell', 'stsenv.nu'), 'utf8'),
        /def --env --wrapped stsenv/,
      );
    } finally {
      home.cleanup();
    }
  });

  test("elvish: README's script lines define the command without the interactive editor", (t) => {
    if (!requireShellOrSkip(t, 'elvish')) return;
    const texts = codeTexts(README);
    const at = texts.findIndex((text) => text.includes('&on-end='));
    assert.ok(at > 0, 'README shows the script way');
    const script = [texts[at - 1]!, texts[at]!, 'stsenv --version'].join('\n');
    const home = tempDir();
    try {
      const bin = stsenvOnPath(home.dir);
      const run = spawnSync(findShell('elvish')!, ['-norc', '-c', script], {
        env: { ...isolatedEnv(home.dir), PATH: `${bin}:${process.env.PATH}` },
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, `${script}\n${run.stderr}`);
      assert.match(run.stdout, /^\d+\.\d+\.\d+/);
    } finally {
      home.cleanup();
    }
  });
});

describe('where the builders look', () => {
  test('CONTRIBUTING.md holds "Run the tests" with the command CI runs, and README points there', () => {
    const contributing = readFileSync(new URL('../../CONTRIBUTING.md', import.meta.url), 'utf8');
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    assert.match(contributing, /^## Run the tests$/m);
    assert.match(contributing, /^npm ci && npm test$/m);
    assert.match(ci, /^npm ci\b.*$/m);
    assert.match(ci, /^npm test$/m);
    // Every npm script CI runs is given in CONTRIBUTING.md as CI runs it.
    const ciScripts = [...ci.matchAll(/^(npm (?:test|run [\w:-]+))$/gm)].map((m) => m[1]!);
    assert.ok(ciScripts.length >= 1);
    for (const line of ciScripts)
      assert.match(contributing, new RegExp(`^${line}$`, 'm'), `CONTRIBUTING.md gives ${line}`);
    assert.match(README, /\[CONTRIBUTING\.md\]\(CONTRIBUTING\.md\)/);
    assert.match(README, /`npm ci && npm test`/);
    for (const doc of ['docs/architecture.md', 'docs/performance.md', 'docs/windows.md']) {
      assert.match(README, new RegExp(`\\(${doc.replace('.', '\\.')}\\)`), `README links ${doc}`);
      readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
    }
  });
});
