/**
 * Property test: random values, drawn from all of Unicode and weighted towards
 * characters that break quoting, are rendered by each shell format, run by the
 * real shell, and read back from the exported environment. Each must come back
 * byte for byte, or be refused by the format for a documented reason.
 *
 * STSENV_PROPERTY_COUNT (default 5000) values per shell; STSENV_PROPERTY_SEED
 * picks the sequence (default fixed, printed, so a failure can be replayed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { renderCredentials, renderEnvChange } from '../../src/shells/render.js';
import { FORMATS, type EnvFormat } from '../../src/shells/index.js';
import type { EnvChange } from '../../src/variables.js';
import {
  LANGUAGE_SHELLS,
  POSIX_SHELLS,
  cmdEvalAndDump,
  languageDumpEnv,
  outputReaderEnv,
  readOutputLines,
  dumpEnvCommand,
  parseCmdDump,
  parseEnvDump,
  psQuote,
  pwshDumpEnvCommand,
  pwshEnv,
  requireShellOrSkip,
  runCmdBatch,
  runPwshScript,
  runShellScript,
  scratchFile,
  shQuote,
  shellEnv,
  shellSpec,
  wineEnv,
  winePath,
  type ShellSpec,
} from '../support/shells.js';

const COUNT = Number(process.env.STSENV_PROPERTY_COUNT ?? 5000);
const SEED = Number(process.env.STSENV_PROPERTY_SEED ?? 0x5757e4);
/** Values per shell process: large enough that start-up cost vanishes, small enough to bisect. */
const CHUNK = 400;
const PREFIX = 'STSENV_P_';
/** Set before the shell starts and cleared by every chunk: clearLine is exercised too. */
const CLEARED = 'STSENV_P_CLEARED';

assert.ok(
  Number.isInteger(COUNT) && COUNT > 0,
  `STSENV_PROPERTY_COUNT must be a positive integer, got ${process.env.STSENV_PROPERTY_COUNT}`,
);

function envFormat(name: string): EnvFormat {
  const format = FORMATS.find((f) => f.name === name);
  assert.ok(format && format.kind === 'env', `no env format ${name}`);
  return format;
}

// ------------------------------------------------------------ generation

/** sfc32: small, fast, seedable; good enough to spread test inputs. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

class Gen {
  constructor(readonly random: () => number) {}
  int(below: number): number {
    return Math.floor(this.random() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(choices: ReadonlyArray<readonly [weight: number, make: () => T]>): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let r = this.random() * total;
    for (const [w, make] of choices) {
      r -= w;
      if (r < 0) return make();
    }
    return choices[choices.length - 1]![1]();
  }
  /** Any Unicode scalar value up to `max`: surrogates cannot be encoded in UTF-8, so none. */
  scalar(max: number): string {
    for (;;) {
      const cp = this.int(max + 1);
      if (cp < 0xd800 || cp > 0xdfff) return String.fromCodePoint(cp);
    }
  }
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

/** Single characters that end, open or escape quoting somewhere. */
const DANGEROUS_CHARS: readonly string[] = [
  "'",
  '"',
  '`',
  ...range(0x2018, 0x201b),
  ...range(0x201c, 0x201e),
  '\u02bc',
  '\uff07',
  '\uff02',
  ...'$\\!%^&|<>;()*?[]{}~#=,@:-+/.'.split(''),
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\v',
  '\f',
  '\x1b',
  '\x7f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '\uffff',
  // fish keeps undecodable bytes as U+F600..U+F6FF internally.
  '\uf600',
  '\uf6ff',
  '\uf67f',
  '\uf680',
  '\u{10000}',
  '\u{1f600}',
  '\u{1f1fa}\u{1f1f8}',
  '\u{e0001}',
  '\u{10fffd}',
  '\u{10ffff}',
  'e\u0301',
];

/** Multi-character pieces that exploit a particular shell's quoting. */
function dangerousStrings(canary: string): string[] {
  return [
    `'\\''`,
    `'"'"'`,
    `\\'`,
    `\\\\'`,
    `$(`,
    `\${`,
    `$((`,
    `$'`,
    `$"`,
    '``',
    `"$(`,
    `\\$`,
    `\\\n`,
    `'\n'`,
    '%PATH%',
    '!PATH!',
    '^&',
    '^',
    '%%',
    '%~dp0',
    '&&',
    '||',
    ';;',
    ' #',
    '<<EOF\n',
    '2>&1',
    '/?',
    '-e',
    '--erase',
    '-gx',
    '--',
    '-h',
    '~root',
    '{a,b}',
    '[a-z]*',
    '\\x41',
    '\\u0041',
    '$HOME',
    '${HOME}',
    `$(touch ${canary})`,
    `'; touch ${canary}; '`,
    `\`touch ${canary}\``,
    `"; touch ${canary}; "`,
    `\\'; touch ${canary}; #`,
    `(touch ${canary})`,
    `& type nul > ${canary}`,
  ];
}

/** ASCII that cmd reads specially and the cmd format accepts. */
const CMD_DANGEROUS = [..."&|<>()@;,= \t\\/:*?.~`'[]{}$#".split('')];

function cmdDangerousStrings(canary: string): string[] {
  return [
    `& type nul > ${canary}`,
    `| type nul > ${canary}`,
    `> ${canary}`,
    `)& type nul > ${canary}`,
    '&&',
    '||',
    '2>nul',
    '/?',
    ' rem ',
    '::',
    'call ',
    ' & exit /b 3',
    '(',
    ')',
    'set ',
    '=',
  ];
}

/** What the cmd format refuses: rare in the cmd values, or few of them would reach cmd at all. */
function cmdRefusedPieces(canary: string): string[] {
  return [
    '"',
    '%',
    '!',
    '^',
    '\n',
    '\r',
    '\u00e9',
    '\x1b',
    `") & type nul > ${canary} & rem "`,
    '%PATH%',
    '!PATH!',
    '%%L',
    '%~1',
    '^^',
    '^&',
    '""',
  ];
}

function genLength(gen: Gen): number {
  return gen.weighted<number>([
    [3, () => 0],
    [70, () => 1 + gen.int(16)],
    [20, () => 17 + gen.int(48)],
    [7, () => 65 + gen.int(200)],
  ]);
}

/** A value from all of Unicode, weighted towards DANGEROUS_CHARS. */
function unicodeValue(gen: Gen, canary: string): string {
  const strings = dangerousStrings(canary);
  const length = genLength(gen);
  let value = '';
  for (let i = 0; i < length; i++) {
    value += gen.weighted<string>([
      [30, () => gen.pick(DANGEROUS_CHARS)],
      [6, () => gen.pick(strings)],
      // Rare: NUL is refused by every format, so it would otherwise swamp the runs.
      [0.15, () => '\0'],
      [15, () => String.fromCharCode(0x20 + gen.int(0x5f))],
      [4, () => String.fromCodePoint(gen.pick([gen.int(0x20), 0x7f, 0x80 + gen.int(0x20)]) || 1)],
      [20, () => gen.scalar(0xffff)],
      [25, () => gen.scalar(0x10ffff)],
    ]);
  }
  return value;
}

/** A printable-ASCII value (plus tab) weighted towards what cmd reads specially. */
function cmdValue(gen: Gen, canary: string): string {
  const strings = cmdDangerousStrings(canary);
  const refused = cmdRefusedPieces(canary);
  const length = genLength(gen);
  let value = '';
  for (let i = 0; i < length; i++) {
    value += gen.weighted<string>([
      [30, () => gen.pick(CMD_DANGEROUS)],
      [8, () => gen.pick(strings)],
      [0.6, () => gen.pick(refused)],
      [62, () => String.fromCharCode(0x20 + gen.int(0x5f)).replace(/["%!^]/, '&')],
    ]);
  }
  return value;
}

/** Pieces aimed at PowerShell's single-quoted strings: its four other single quotes, and what runs if one ends early. */
function pwshDangerousStrings(canary: string): string[] {
  return [
    `'; New-Item ${canary}; '`,
    `\u2018; New-Item ${canary}; \u2019`,
    `\u201a; New-Item ${canary}; \u201b`,
    `\u2019\u2019'`,
    `$(New-Item ${canary})`,
    '`$x',
    '`',
    `"; New-Item ${canary}; "`,
    `\u201c$(New-Item ${canary})\u201d`,
    "@'",
    "'@",
    '#>',
    '<#',
    '$env:PATH',
    '${env:PATH}',
    ' -ErrorAction ',
    '--%',
    '&',
    '|',
  ];
}

/** A value from all of Unicode (unicodeValue), one in three with a PowerShell piece put in. */
function pwshValue(gen: Gen, canary: string): string {
  const value = unicodeValue(gen, canary);
  if (gen.int(3) !== 0) return value;
  const at = gen.int(value.length + 1);
  return value.slice(0, at) + gen.pick(pwshDangerousStrings(canary)) + value.slice(at);
}

function generate(count: number, seed: number, make: (gen: Gen) => string): string[] {
  const gen = new Gen(prng(seed));
  return Array.from({ length: count }, () => make(gen));
}

/** Code points, for failure messages: the values are test data, not secrets. */
function show(value: string | Buffer): string {
  const text = typeof value === 'string' ? value : value.toString('utf8');
  const cps = [...text].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0'));
  return `${JSON.stringify(text)} [${cps.join(' ')}]${typeof value === 'string' ? '' : ` bytes ${value.toString('hex')}`}`;
}

// ------------------------------------------------------------ running

interface Sandbox {
  /** Empty working directory: a broken quote that redirects output leaves a file here. */
  cwd: string;
  /** The file a broken quote in a canary value would create. */
  canary: string;
}

const sandboxes: string[] = [];
after(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

function sandbox(name: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `stsenv-prop-${name}-`));
  sandboxes.push(root);
  const cwd = join(root, 'cwd');
  mkdirSync(cwd);
  return { cwd, canary: join(root, 'pwned') };
}

function assertSandboxClean(box: Sandbox, shell: string): void {
  assert.equal(existsSync(box.canary), false, `${shell}: a canary value ran a command (${box.canary} exists)`);
  assert.deepEqual(
    readdirSync(box.cwd),
    [],
    `${shell}: a value was run as a redirection (files appeared in the working directory)`,
  );
}

interface Failure {
  value: string;
  problem: string;
  /** The whole shell process failed, not one value. */
  chunk?: boolean;
}

/** Runs one chunk of values in one shell process and returns what did not come back exactly. */
async function runPosixChunk(
  shell: string,
  format: EnvFormat,
  values: readonly string[],
  offset: number,
  box: Sandbox,
): Promise<{ failures: Failure[]; broken?: string }> {
  const names = values.map((_, i) => `${PREFIX}${offset + i}`);
  const change: EnvChange = { set: values.map((v, i) => [names[i]!, v]), clear: [CLEARED] };
  const output = scratchFile('.out', renderEnvChange(format, change));
  const isFish = format.name === 'fish';
  // The documented ways to read stsenv: eval "$(stsenv ...)" and stsenv ... | source.
  const script = isFish
    ? `cat ${shQuote(output)} | source\nor exit 97\n${dumpEnvCommand()}\n`
    : `eval "$(cat ${shQuote(output)})" || exit 97\n${dumpEnvCommand()}\n`;
  const result = await runShellScript(shell, script, {
    env: shellEnv({ [CLEARED]: 'x' }),
    cwd: box.cwd,
    timeoutMs: 120_000,
  });
  const broken =
    result.code !== 0 || result.stderr !== ''
      ? `exit ${result.code ?? result.signal}, stderr: ${result.stderr.slice(0, 500)}`
      : undefined;
  return checkChunk(values, names, parseEnvDump(result.stdout, PREFIX), broken);
}

/** What a chunk got wrong: each value not set or changed; CLEARED still set or a variable nobody set break the whole chunk. */
function checkChunk(
  values: readonly string[],
  names: readonly string[],
  vars: Map<string, Buffer>,
  broken?: string,
): { failures: Failure[]; broken?: string } {
  const failures: Failure[] = [];
  if (vars.has(CLEARED)) broken = `${broken ?? ''} ${CLEARED} was not cleared`.trim();
  values.forEach((value, i) => {
    const got = vars.get(names[i]!);
    const want = Buffer.from(value, 'utf8');
    if (!got) failures.push({ value, problem: 'not set' });
    else if (!got.equals(want)) failures.push({ value, problem: `came back as ${show(got)}` });
  });
  const expectedNames = new Set(names);
  for (const name of vars.keys()) {
    if (!expectedNames.has(name)) broken = `${broken ?? ''} unexpected variable ${name}`.trim();
  }
  return { failures, broken };
}

/**
 * Runs one chunk in pwsh the two ways README gives: each output line through
 * `| Invoke-Expression`, or the whole output through `| Out-String |
 * Invoke-Expression`. The output comes from a native command (cat), as
 * stsenv's does, so pwsh decodes it as it decodes stsenv's.
 */
async function runPwshChunk(
  format: EnvFormat,
  values: readonly string[],
  offset: number,
  box: Sandbox,
  whole: boolean,
): Promise<{ failures: Failure[]; broken?: string }> {
  const names = values.map((_, i) => `${PREFIX}${offset + i}`);
  const output = scratchFile(
    '.out',
    renderEnvChange(format, { set: values.map((v, i) => [names[i]!, v]), clear: [CLEARED] }),
  );
  const dump = scratchFile('.env', '');
  const script = [
    `& cat ${psQuote(output)} ${whole ? '| Out-String ' : ''}| Invoke-Expression`,
    'if ($Error.Count -gt 0) { exit 97 }',
    pwshDumpEnvCommand(dump),
  ].join('\n');
  const result = await runPwshScript(script, { env: pwshEnv({ [CLEARED]: 'x' }), cwd: box.cwd, timeoutMs: 120_000 });
  const failed = result.code !== 0 || result.stderr !== '' || result.stdout.length > 0;
  const broken = failed
    ? `exit ${result.code ?? result.signal}, stdout: ${result.stdout.toString('utf8').slice(0, 200)} stderr: ${result.stderr.slice(0, 500)}`
    : undefined;
  return checkChunk(values, names, parseEnvDump(readFileSync(dump), PREFIX), broken);
}

/**
 * Runs values in chunks, two shell processes at a time. A chunk that breaks
 * as a whole (syntax error, stray output) is run again value by value to name
 * the culprits.
 */
async function runAll(
  values: readonly string[],
  runChunk: (chunk: readonly string[], offset: number) => Promise<{ failures: Failure[]; broken?: string }>,
  chunkSize = CHUNK,
  parallel = 2,
): Promise<Failure[]> {
  const chunks: Array<[number, string[]]> = [];
  for (let i = 0; i < values.length; i += chunkSize) chunks.push([i, values.slice(i, i + chunkSize)]);
  const failures: Failure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const [offset, chunk] = chunks[next++]!;
      const result = await runChunk(chunk, offset);
      if (!result.broken) {
        failures.push(...result.failures);
        continue;
      }
      // One bad value can take the whole process down: find it among the first values.
      failures.push({ value: `values ${offset}..${offset + chunk.length - 1}`, problem: result.broken, chunk: true });
      for (const [i, value] of chunk.slice(0, 60).entries()) {
        const single = await runChunk([value], offset + i);
        if (single.broken) failures.push({ value, problem: single.broken });
        else failures.push(...single.failures);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return failures;
}

function report(shell: string, tried: number, refused: number, started: number, failures: readonly Failure[]): void {
  const ms = Math.round(performance.now() - started);
  const failed = failures.filter((f) => !f.chunk).length;
  console.log(
    `${shell}: ${tried} values tried, ${refused} refused, ${tried - refused - failed} passed, ${failed} failed, ${ms} ms`,
  );
}

function assertNoFailures(shell: string, failures: readonly Failure[]): void {
  if (failures.length === 0) return;
  const lines = failures.slice(0, 25).map((f) => `  ${f.chunk ? f.value : show(f.value)}: ${f.problem}`);
  assert.fail(`${shell}: ${failures.length} values did not survive the shell:\n${lines.join('\n')}`);
}

/** The documented reasons for refusal, restated here independently of src/shells. */
const REFUSAL_RULES: Record<string, (value: string) => boolean> = {
  // JSON and Python literals cannot hold half a surrogate pair (none is generated); tcsh's eval joins lines.
  nu: (v) => v.includes('\0') || /[\ud800-\udfff]/u.test(v),
  elvish: (v) => v.includes('\0'),
  xonsh: (v) => v.includes('\0') || /[\ud800-\udfff]/u.test(v),
  tcsh: (v) => v.includes('\0') || /[\r\n]/.test(v),
  bash: (v) => v.includes('\0'),
  zsh: (v) => v.includes('\0'),
  sh: (v) => v.includes('\0'),
  fish: (v) => v.includes('\0'),
  cmd: (v) => /["%!^\r\n]/.test(v) || /[^\t\x20-\x7e]/.test(v),
  powershell: (v) => /[\0\r\n]/.test(v),
};

/** Splits values into accepted and refused, checking each refusal against REFUSAL_RULES. */
function partition(format: EnvFormat, values: readonly string[]): { accepted: string[]; refused: number } {
  const rule = REFUSAL_RULES[format.name]!;
  const accepted: string[] = [];
  let refused = 0;
  for (const value of values) {
    const why = format.refuse(value);
    assert.equal(
      why !== undefined,
      rule(value),
      `${format.name} ${why ? `refused (${why})` : 'accepted'} ${show(value)}, against the rules`,
    );
    if (why) refused++;
    else accepted.push(value);
  }
  return { accepted, refused };
}

// ------------------------------------------------------------ tests

type ChunkRunner = typeof runPosixChunk;

/** COUNT random values through one real shell, by the chunk runner for its kind: each comes back exactly, or is refused. */
async function carriesRandomValues(t: TestContext, spec: ShellSpec, runChunk: ChunkRunner): Promise<void> {
  if (!requireShellOrSkip(t, spec.name)) return;
  const format = envFormat(spec.format);
  const box = sandbox(spec.name);
  const started = performance.now();
  const values = generate(COUNT, SEED, (gen) => unicodeValue(gen, box.canary));
  const { accepted, refused } = partition(format, values);
  const failures = await runAll(accepted, (chunk, offset) => runChunk(spec.name, format, chunk, offset, box));
  report(spec.name, values.length, refused, started, failures);
  assertSandboxClean(box, spec.name);
  assertNoFailures(spec.name, failures);
}

describe(`quoting property: ${COUNT} values per shell, seed ${SEED}`, { concurrency: 1 }, () => {
  for (const spec of [...POSIX_SHELLS, shellSpec('fish')]) {
    test(`${spec.name} (${spec.format} format) carries every value it accepts`, (t: TestContext) =>
      carriesRandomValues(t, spec, runPosixChunk));
  }

  test('cmd (Wine) carries every value it accepts', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const format = envFormat('cmd');
    const box = sandbox('cmd');
    const canary = winePath(box.canary);

    // Every Unicode value goes through the refusal rules; only ASCII ones can run.
    const unicode = generate(COUNT, SEED, (gen) => unicodeValue(gen, canary));
    const fromUnicode = partition(format, unicode);
    const values = [...fromUnicode.accepted, ...generate(COUNT, SEED + 1, (gen) => cmdValue(gen, canary))];
    const { accepted, refused } = partition(format, values);
    // cmd has no empty variables: `set "NAME="` removes NAME. Such values are checked as "absent".
    const started = performance.now();
    const failures = await runAll(
      accepted,
      async (chunk, offset) => {
        const names = chunk.map((_, i) => `${PREFIX}${offset + i}`);
        // One variable that is always there, so that `set PREFIX` finds one even when every value is
        // empty (it says "not defined" and fails otherwise); the checks below read only the numbered ones.
        const set: Array<[string, string]> = [
          [`${PREFIX}PRESENT`, 'x'],
          ...chunk.map((v, i): [string, string] => [names[i]!, v]),
        ];
        const output = scratchFile('.out', renderEnvChange(format, { set, clear: [CLEARED] }));
        const result = await runCmdBatch(cmdEvalAndDump(output, PREFIX), {
          env: wineEnv({ [CLEARED]: 'x' }),
          cwd: box.cwd,
        });
        const vars = parseCmdDump(result.stdout, PREFIX);
        const chunkFailures: Failure[] = [];
        chunk.forEach((value, i) => {
          const got = vars.get(names[i]!);
          if (value === '' ? got !== undefined : got !== value)
            chunkFailures.push({ value, problem: `came back as ${got === undefined ? 'unset' : show(got)}` });
        });
        const stray = result.stdout.slice(0, result.stdout.indexOf('---dump---'));
        let broken: string | undefined;
        if (result.code !== 0 || stray !== '' || result.stderr !== '')
          broken = `exit ${result.code}, output before the dump: ${stray.slice(0, 300)} stderr: ${result.stderr.slice(0, 300)}`;
        if (vars.has(CLEARED)) broken = `${broken ?? ''} ${CLEARED} was not cleared`.trim();
        return { failures: chunkFailures, broken };
      },
      500,
      2,
    );
    console.log(
      `cmd: ${fromUnicode.accepted.length} of ${unicode.length} Unicode values accepted (${fromUnicode.refused} refused, not run)`,
    );
    report('cmd', values.length, refused, started, failures);
    assertSandboxClean(box, 'cmd');
    assertNoFailures('cmd', failures);
    assert.ok(accepted.length >= Math.min(300, COUNT / 2), `only ${accepted.length} values reached cmd`);
  });

  test('pwsh (powershell format) carries every value it accepts, by | Invoke-Expression and | Out-String | Invoke-Expression', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const format = envFormat('powershell');
    const box = sandbox('pwsh');
    const started = performance.now();
    const values = generate(COUNT, SEED, (gen) => pwshValue(gen, box.canary));
    const { accepted, refused } = partition(format, values);
    const quotes = accepted.filter((v) => /[\u2018-\u201b]/.test(v)).length;
    assert.ok(quotes >= Math.min(100, COUNT / 20), `only ${quotes} values with U+2018..U+201B reached pwsh`);
    let chunks = 0;
    // Large chunks: pwsh takes about a second to start.
    const failures = await runAll(
      accepted,
      (chunk, offset) => runPwshChunk(format, chunk, offset, box, chunks++ % 2 === 1),
      1000,
    );
    report('pwsh', values.length, refused, started, failures);
    assertSandboxClean(box, 'pwsh');
    assertNoFailures('pwsh', failures);
  });
});

describe('every Unicode scalar value, 256 code points per value', { concurrency: 1 }, () => {
  // Exhaustive where the random values only sample: 0x110000 code points less
  // the surrogates (UTF-8 cannot encode them) and NUL (refused).
  const blocks: string[] = [];
  for (let start = 0; start <= 0x10ffff; start += 256) {
    let block = '';
    for (let cp = start; cp < start + 256; cp++)
      if (cp !== 0 && (cp < 0xd800 || cp > 0xdfff)) block += String.fromCodePoint(cp);
    if (block) blocks.push(block);
  }

  for (const spec of [...POSIX_SHELLS, shellSpec('fish')]) {
    test(spec.name, async (t: TestContext) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const format = envFormat(spec.format);
      const box = sandbox(`all-${spec.name}`);
      const started = performance.now();
      const { accepted, refused } = partition(format, blocks);
      assert.equal(refused, 0);
      const failures = await runAll(
        accepted,
        (chunk, offset) => runPosixChunk(spec.name, format, chunk, offset, box),
        200,
      );
      report(`${spec.name} (all code points)`, blocks.length, refused, started, failures);
      assertNoFailures(spec.name, failures);
    });
  }

  test('cmd (Wine): every character the cmd format accepts', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const format = envFormat('cmd');
    const box = sandbox('all-cmd');
    const accepted = [...range(0x20, 0x7e), '\t'].filter((c) => format.refuse(c) === undefined);
    assert.equal(accepted.length, 95 - 4 + 1, 'printable ASCII and tab, less " % ! ^');
    const values = [accepted.join(''), ...accepted.map((c) => `<${c}>`)];
    const output = scratchFile(
      '.out',
      renderEnvChange(format, { set: values.map((v, i) => [`${PREFIX}${i}`, v]), clear: [] }),
    );
    const result = await runCmdBatch(cmdEvalAndDump(output, PREFIX), { env: wineEnv(), cwd: box.cwd });
    const vars = parseCmdDump(result.stdout, PREFIX);
    for (const [i, value] of values.entries())
      assert.equal(vars.get(`${PREFIX}${i}`), value, `cmd lost ${show(value)}`);
    assertSandboxClean(box, 'cmd');
  });

  test('pwsh', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const format = envFormat('powershell');
    const box = sandbox('all-pwsh');
    const started = performance.now();
    const { accepted, refused } = partition(format, blocks);
    // Only the block holding CR and LF: PowerShell runs each output line on its own.
    assert.equal(refused, 1);
    const lineBreaks = blocks[0]!.replace(/[\r\n]/g, '');
    let chunks = 0;
    // Each form reads every other chunk: four pwsh processes in all.
    const failures = await runAll(
      [lineBreaks, ...accepted],
      (chunk, offset) => runPwshChunk(format, chunk, offset, box, chunks++ % 2 === 1),
      1100,
    );
    report('pwsh (all code points)', blocks.length, refused, started, failures);
    assertSandboxClean(box, 'pwsh');
    assertNoFailures('pwsh', failures);
  });
});

/** Values at the edges of each syntax, run in every shell besides the random ones. */
const EDGE_VALUES = [
  '',
  ' ',
  '  ',
  '-e',
  '-gx',
  '--',
  '--erase',
  '-h',
  '--help',
  '-p',
  "'",
  "''",
  '"',
  '\\',
  'a\\',
  '\\\\',
  '\n',
  '\n\n',
  'a\n',
  '\na',
  '\r',
  'a\r\n',
  ';',
  '#',
  '$',
  '`',
  '\t',
  'EOF',
  '=',
  '==a',
  '~',
  '*',
  '\u2019',
  '\ufeffa',
  '\u{10ffff}',
];

describe('canaries and edge values: a broken quote would create a file', () => {
  const canaries = (file: string): string[] => [
    `$(touch ${file})`,
    `'; touch ${file}; '`,
    `\`touch ${file}\``,
    `"; touch ${file}; "`,
    `\\'; touch ${file}; #`,
    `(touch ${file})`,
    `'$(touch ${file})'`,
    `\\'$(touch ${file})`,
    `'\\''; touch ${file}; '\\''`,
    `"$(touch ${file})"`,
    `\n touch ${file}\n`,
    `';\ntouch ${file}\n'`,
    `& type nul > ${file}`,
    `| touch ${file}`,
    `; touch ${file}`,
  ];

  for (const spec of [...POSIX_SHELLS, shellSpec('fish')]) {
    test(spec.name, async (t: TestContext) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const box = sandbox(`canary-${spec.name}`);
      const values = [...canaries(box.canary), ...EDGE_VALUES];
      const { failures } = await runPosixChunk(spec.name, envFormat(spec.format), values, 0, box);
      assertSandboxClean(box, spec.name);
      assertNoFailures(spec.name, failures);
    });
  }

  test('cmd (Wine)', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'cmd')) return;
    const format = envFormat('cmd');
    const box = sandbox('canary-cmd');
    const file = winePath(box.canary);
    const values = [
      `& type nul > ${file}`,
      `&type nul>${file}`,
      `| type nul > ${file}`,
      `) & type nul > ${file}`,
      `> ${file}`,
      `< nul & type nul > ${file}`,
      `&& type nul > ${file} || type nul > ${file}`,
      ...canaries(box.canary),
      ...EDGE_VALUES,
    ];
    const { accepted } = partition(format, values);
    assert.ok(accepted.length >= 8, 'most cmd canaries are plain ASCII and must be run');
    const output = scratchFile(
      '.out',
      renderEnvChange(format, { set: accepted.map((v, i) => [`${PREFIX}${i}`, v]), clear: [] }),
    );
    const result = await runCmdBatch(cmdEvalAndDump(output, PREFIX), { env: wineEnv(), cwd: box.cwd });
    const vars = parseCmdDump(result.stdout, PREFIX);
    // cmd has no empty variables: `set "NAME="` removes NAME.
    for (const [i, value] of accepted.entries())
      assert.equal(vars.get(`${PREFIX}${i}`), value === '' ? undefined : value, `cmd lost ${show(value)}`);
    assertSandboxClean(box, 'cmd');
  });

  test('pwsh', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const format = envFormat('powershell');
    const box = sandbox('canary-pwsh');
    const values = [...canaries(box.canary), ...pwshDangerousStrings(box.canary), ...EDGE_VALUES];
    const { accepted } = partition(format, values);
    for (const whole of [false, true]) {
      const { failures, broken } = await runPwshChunk(format, accepted, 0, box, whole);
      assert.equal(broken, undefined);
      assertSandboxClean(box, 'pwsh');
      assertNoFailures('pwsh', failures);
    }
  });
});

// ------------------------------------------------------------ shells with a language of their own

async function runLanguageChunk(
  shell: string,
  format: EnvFormat,
  values: readonly string[],
  offset: number,
  box: Sandbox,
): Promise<{ failures: Failure[]; broken?: string }> {
  const names = values.map((_, i) => `${PREFIX}${offset + i}`);
  const output = scratchFile(
    '.out',
    renderEnvChange(format, { set: values.map((v, i) => [names[i]!, v]), clear: [CLEARED] }),
  );
  const env = shellEnv({ [CLEARED]: 'x', ...outputReaderEnv(output) });
  const result = await runShellScript(
    shell,
    `${readOutputLines(format.name, output)}\n${languageDumpEnv(format.name)}\n`,
    { env, cwd: box.cwd, timeoutMs: 120_000 },
  );
  const vars = parseEnvDump(result.stdout, PREFIX);
  let broken: string | undefined;
  if (result.code !== 0 || result.stderr !== '')
    broken = `exit ${result.code ?? result.signal}, stderr: ${result.stderr.slice(0, 500)}`;
  if (vars.has(CLEARED)) broken = `${broken ?? ''} ${CLEARED} was not cleared`.trim();
  const failures: Failure[] = [];
  values.forEach((value, i) => {
    const got = vars.get(names[i]!);
    if (!got) failures.push({ value, problem: 'not set' });
    else if (!got.equals(Buffer.from(value, 'utf8'))) failures.push({ value, problem: `came back as ${show(got)}` });
  });
  return { failures, broken };
}

describe(`quoting property, nu, elvish, xonsh, tcsh and csh: ${COUNT} values each, seed ${SEED}`, {
  concurrency: 1,
}, () => {
  for (const spec of LANGUAGE_SHELLS) {
    test(`${spec.name} (${spec.format} format) carries every value it accepts`, (t: TestContext) =>
      carriesRandomValues(t, spec, runLanguageChunk));
  }

  for (const spec of LANGUAGE_SHELLS) {
    test(`${spec.name}: every Unicode scalar value, 256 code points per value`, async (t: TestContext) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const format = envFormat(spec.format);
      const box = sandbox(`all-${spec.name}`);
      const started = performance.now();
      const blocks: string[] = [];
      for (let start = 0; start <= 0x10ffff; start += 256) {
        let block = '';
        for (let cp = start; cp < start + 256; cp++)
          if (cp !== 0 && (cp < 0xd800 || cp > 0xdfff)) block += String.fromCodePoint(cp);
        // tcsh cannot carry line breaks (refused): every other code point still goes through.
        if (block) blocks.push(format.name === 'tcsh' ? block.replace(/[\r\n]/g, '') : block);
      }
      const { accepted, refused } = partition(format, blocks);
      assert.equal(refused, 0);
      const failures = await runAll(
        accepted,
        (chunk, offset) => runLanguageChunk(spec.name, format, chunk, offset, box),
        200,
      );
      report(`${spec.name} (all code points)`, blocks.length, refused, started, failures);
      assertNoFailures(spec.name, failures);
    });
  }

  for (const spec of LANGUAGE_SHELLS) {
    test(`${spec.name}: canaries and edge values`, async (t: TestContext) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const format = envFormat(spec.format);
      const box = sandbox(`canary-${spec.name}`);
      const file = box.canary;
      const canaries = [
        `$(touch ${file})`,
        `'; touch ${file}; '`,
        `\`touch ${file}\``,
        `"; touch ${file}; "`,
        `\\'; touch ${file}; #`,
        `(touch ${file})`,
        `'$(touch ${file})'`,
        `'\\''; touch ${file}; '\\''`,
        `"$(touch ${file})"`,
        `'' ; touch ${file} ; ''`,
        `\\'; touch ${file}; \\'`,
        // nushell, elvish, xonsh and csh ways to run a command from a string
        `(^touch ${file})`,
        `$(^touch ${file})`,
        `@(__import__('os').system('touch ${file}'))`,
        `'); __import__('os').system('touch ${file}'); ('`,
        `!(touch ${file})`,
        `\`touch ${file}\`!`,
        `!!`,
        `!$`,
        `!-1`,
        `^touch^echo`,
        `\\!' ; touch ${file} ; '`,
        `"}\n{"name":"STSENV_P_X","value":"x"}`,
      ];
      const { accepted } = partition(format, [...canaries, ...EDGE_VALUES]);
      const { failures, broken } = await runLanguageChunk(spec.name, format, accepted, 0, box);
      assert.equal(broken, undefined);
      assertSandboxClean(box, spec.name);
      assertNoFailures(spec.name, failures);
    });
  }
});

describe('control: the harness catches a broken format', () => {
  // Double quotes expand $(...) and $HOME: the runs above must notice such a format.
  const naive: EnvFormat = {
    ...envFormat('bash'),
    name: 'naive',
    setLine: (name, value) => `export ${name}="${value}";`,
  };

  test('bash with a double-quoting format', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const box = sandbox('control');
    const values = ['plain', `$(touch ${box.canary})`, '$HOME', 'a\\\\b'];
    const { failures } = await runPosixChunk('bash', naive, values, 0, box);
    assert.deepEqual(
      failures.map((f) => f.value),
      values.slice(1),
    );
    assert.equal(existsSync(box.canary), true, 'the canary fired');
  });

  test('a value that breaks the whole script is named', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const box = sandbox('control-bisect');
    const failures = await runAll(['plain', 'a"b', 'other'], (chunk, offset) =>
      runPosixChunk('bash', naive, chunk, offset, box),
    );
    assert.deepEqual(
      failures.map((f) => [f.value, f.chunk ?? false]),
      [
        ['values 0..2', true],
        ['a"b', false],
      ],
    );
  });
});

describe('eval $(stsenv ...) unquoted keeps every statement', () => {
  const output = {
    credentials: {
      accessKeyId: 'ASIAEXAMPLEKEYID1234',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'FwoGZXIvYXdzEBYaDH+base64+token/with/slashes==',
      expiration: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    },
    region: 'eu-west-1',
    profileName: 'default',
  };
  const stale = { AWS_PROFILE: 'old', AWS_DEFAULT_PROFILE: 'old', AWS_SECURITY_TOKEN: 'old', AWS_ACCESS_KEY_ID: 'old' };
  const expected: Record<string, string> = {
    AWS_ACCESS_KEY_ID: output.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: output.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: output.credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: '2026-01-02T03:04:05Z',
    AWS_SESSION_EXPIRATION: '2026-01-02T03:04:05Z',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
  };

  async function evalUnquoted(shell: string, text: string): Promise<Map<string, string>> {
    const file = scratchFile('.out', text);
    const result = await runShellScript(shell, `eval $(cat ${shQuote(file)})\n${dumpEnvCommand()}\n`, {
      env: shellEnv(stale),
    });
    assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
    return new Map([...parseEnvDump(result.stdout, 'AWS_')].map(([k, v]) => [k, v.toString('utf8')]));
  }

  for (const spec of POSIX_SHELLS) {
    test(spec.name, async (t: TestContext) => {
      if (!requireShellOrSkip(t, spec.name)) return;
      const text = renderCredentials(envFormat(spec.format), output);
      assert.ok(text.split('\n').length > 10, 'several lines, joined into one by the unquoted $(...)');
      const vars = await evalUnquoted(spec.name, text);
      assert.deepEqual(Object.fromEntries(vars), expected);
    });
  }

  test('control: without the `;` the same check fails in bash', async (t: TestContext) => {
    if (!requireShellOrSkip(t, 'bash')) return;
    const text = renderCredentials(envFormat('bash'), output).replaceAll(';\n', '\n');
    const vars = await evalUnquoted('bash', text);
    assert.notDeepEqual(Object.fromEntries(vars), expected);
    assert.equal(vars.get('AWS_PROFILE'), 'old', 'the unset lines were swallowed by the export before them');
  });
});
