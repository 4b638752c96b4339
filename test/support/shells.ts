/**
 * Helpers for tests that feed stsenv's output to real shells and read the
 * environment back byte for byte.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { testCacheDir } from './runtimes.mjs';

/** The format names of src/shells a real shell reads. */
export type ShellFormatName = 'bash' | 'zsh' | 'sh' | 'fish' | 'cmd' | 'powershell';

export interface ShellSpec {
  /** Name used in test titles and STSENV_REQUIRE_SHELLS. */
  name: string;
  /** Executable and fixed arguments; the script file path is appended. */
  command: readonly string[];
  /** The stsenv format this shell reads. */
  format: ShellFormatName | LanguageShellFormatName;
}

/** The formats of the shells with a language of their own (LANGUAGE_SHELLS). */
export type LanguageShellFormatName = 'nu' | 'elvish' | 'xonsh' | 'tcsh';

/**
 * Every shell the tests run. Start-up files are skipped where the shell has a
 * switch for it; the environment given to each shell is built from scratch
 * (see shellEnv), so ENV and BASH_ENV cannot pull in user files either.
 */
export const SHELLS: readonly ShellSpec[] = [
  { name: 'bash', command: ['bash', '--norc', '--noprofile'], format: 'bash' },
  { name: 'zsh', command: ['zsh', '-f'], format: 'zsh' },
  { name: 'dash', command: ['dash'], format: 'sh' },
  { name: 'ksh', command: ['ksh'], format: 'sh' },
  { name: 'mksh', command: ['mksh'], format: 'sh' },
  { name: 'yash', command: ['yash'], format: 'sh' },
  { name: 'busybox', command: ['busybox', 'sh'], format: 'sh' },
  { name: 'fish', command: ['fish', '--no-config'], format: 'fish' },
  // Wine's cmd: scripts go through runCmdBatch, not runShellScript.
  { name: 'cmd', command: ['wine', 'cmd', '/c'], format: 'cmd' },
  // PowerShell 7: scripts go through runPwshScript (a .ps1 file, pwshEnv).
  { name: 'pwsh', command: ['pwsh', '-NoProfile', '-NonInteractive', '-File'], format: 'powershell' },
];

export const POSIX_SHELLS: readonly ShellSpec[] = SHELLS.filter(
  (s) => s.format !== 'fish' && s.format !== 'cmd' && s.format !== 'powershell',
);

/**
 * nu from the npm package nushell (a devDependency), whose binary is in the
 * package of this platform; a nu on PATH otherwise.
 */
export function nuExecutable(): string {
  try {
    return createRequire(import.meta.url).resolve(
      `@nushell/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}/bin/nu`,
    );
  } catch {
    return 'nu';
  }
}

/** Shells whose scripts are neither POSIX sh nor fish: each test writes its own lines for them. */
export const LANGUAGE_SHELLS: readonly ShellSpec[] = [
  { name: 'nu', command: [nuExecutable(), '--no-config-file'], format: 'nu' },
  { name: 'elvish', command: ['elvish', '-norc'], format: 'elvish' },
  { name: 'xonsh', command: ['xonsh', '--no-rc'], format: 'xonsh' },
  { name: 'tcsh', command: ['tcsh', '-f'], format: 'tcsh' },
  // csh is tcsh here (Debian's alternative), as on macOS and the BSDs.
  { name: 'csh', command: ['csh', '-f'], format: 'tcsh' },
];

/**
 * Lines that read stsenv's output saved in `outputFile` into the shell the
 * way README says (elvish, tcsh), or as close as a test can be: xonsh reads
 * the file with Python, as `$(...)` was seen to lose the end of an output
 * on a loaded machine; nushell cannot evaluate text, so its own function
 * (shells/stsenv.nu) reads it, from a `stsenv` stub (see outputReaderEnv).
 */
export function readOutputLines(format: string, outputFile: string): string {
  switch (format) {
    case 'nu':
      return `source ${shQuote(fileURLToPath(new URL('../../shells/stsenv.nu', import.meta.url)))}\nstsenv`;
    case 'elvish':
      return `eval (cat ${shQuote(outputFile)} | slurp)`;
    case 'xonsh':
      return `execx(open(${shQuote(outputFile)}, encoding='utf-8').read())`;
    default:
      return `eval "\`cat ${shQuote(outputFile)}\`"`;
  }
}

let stubBin: string | undefined;

/** What readOutputLines needs in the environment: for nu, a `stsenv` on PATH that prints the output file. */
export function outputReaderEnv(outputFile: string): Record<string, string> {
  if (!stubBin) {
    const dir = mkdtempSync(join(tmpdir(), 'stsenv-output-stub-'));
    stubBin = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'stsenv'), '#!/bin/sh\nexec cat "$STSENV_TEST_OUTPUT"\n', { mode: 0o755 });
  }
  return { STSENV_TEST_OUTPUT: outputFile, PATH: `${stubBin}${delimiter}${process.env.PATH ?? ''}` };
}

/** dumpEnvCommand() for LANGUAGE_SHELLS: nushell and xonsh run a path as a command only unquoted. */
export function languageDumpEnv(format: string): string {
  return format === 'nu' ? `^${envExecutable()} -0` : format === 'xonsh' ? `${envExecutable()} -0` : dumpEnvCommand();
}

export function shellSpec(name: string): ShellSpec {
  const spec = [...SHELLS, ...LANGUAGE_SHELLS].find((s) => s.name === name);
  if (!spec) throw new Error(`no shell named ${name} in test/support/shells.ts`);
  return spec;
}

/** Absolute path of an executable found on PATH (or the path itself if absolute), else undefined. */
export function which(executable: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = isAbsolute(executable)
    ? [executable]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, executable));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** The executable of a shell in SHELLS, resolved on PATH. */
export function findShell(name: string): string | undefined {
  return which(shellSpec(name).command[0]!);
}

/**
 * Shells a missing one of which must fail the test rather than skip it:
 * STSENV_REQUIRE_SHELLS is a comma or space separated list of names, or `all`.
 * `wine` is accepted for `cmd`.
 */
export function requiredShells(value = process.env.STSENV_REQUIRE_SHELLS ?? ''): Set<string> | 'all' {
  const names = value
    .split(/[\s,]+/)
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean)
    .map((n) => (n === 'wine' ? 'cmd' : n));
  return names.includes('all') ? 'all' : new Set(names);
}

export function isShellRequired(name: string): boolean {
  const required = requiredShells();
  return required === 'all' || required.has(name);
}

/**
 * The shell's executable, or undefined after marking the test skipped with a
 * printed notice. A shell named in STSENV_REQUIRE_SHELLS fails the test instead.
 */
export function requireShellOrSkip(t: TestContext, name: string): string | undefined {
  const found = findShell(name);
  if (found) return found;
  const executable = shellSpec(name).command[0];
  const message = `${name} not installed (${executable} not on PATH)`;
  if (isShellRequired(name)) assert.fail(`${message}, and STSENV_REQUIRE_SHELLS requires it`);
  console.log(`skipped: ${message}; set STSENV_REQUIRE_SHELLS=${name} to make this a failure`);
  t.skip(message);
  return undefined;
}

/**
 * A minimal, predictable environment for a shell: no user start-up files
 * (ENV, BASH_ENV), a UTF-8 locale so shells that decode their input read
 * every code point, and the caller's variables on top.
 */
export function shellEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? homedir(),
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
  };
  if (process.env.TMPDIR) base.TMPDIR = process.env.TMPDIR;
  return { ...base, ...extra };
}

export interface RunOptions {
  /** The whole environment of the child, normally built with shellEnv(). Default: shellEnv(). */
  env?: Record<string, string>;
  cwd?: string;
  /** Default 60 s. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit status; null when killed by a signal (see signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Raw bytes, so that values can be compared exactly. */
  stdout: Buffer;
  stderr: string;
}

function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? shellEnv(),
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const err = error as
          | (NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: NodeJS.Signals | null })
          | null;
        if (err && typeof err.code === 'string') {
          reject(err); // spawn failure (ENOENT...), not an exit status
          return;
        }
        if (err?.killed) {
          reject(new Error(`${file} ${args.join(' ')} timed out after ${options.timeoutMs ?? 60_000} ms`));
          return;
        }
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err?.signal ?? null,
          stdout,
          stderr: stderr.toString('utf8'),
        });
      },
    );
  });
}

let scratch: string | undefined;
let scratchCount = 0;

/** A directory for script files, removed when the test process exits. */
function scratchDir(): string {
  if (!scratch) {
    const dir = mkdtempSync(join(tmpdir(), 'stsenv-shells-'));
    scratch = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** Writes content to a new file in the scratch directory and returns its path. */
export function scratchFile(suffix: string, content: string | Buffer): string {
  const file = join(scratchDir(), `f${scratchCount++}${suffix}`);
  writeFileSync(file, content);
  return file;
}

/** Runs `script` from a file with the named shell of SHELLS (not cmd: see runCmdBatch). */
export async function runShellScript(shell: string, script: string, options: RunOptions = {}): Promise<RunResult> {
  const spec = shellSpec(shell);
  if (spec.format === 'cmd') throw new Error('use runCmdBatch for cmd');
  const executable = findShell(shell);
  if (!executable) throw new Error(`${shell} not installed`);
  const file = scratchFile(spec.format === 'fish' ? '.fish' : '.sh', script);
  return run(executable, [...spec.command.slice(1), file], options);
}

/** POSIX sh single quoting, for building test scripts (not the code under test). */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The coreutils env, by absolute path so that no shell swaps in a builtin or applet. */
export function envExecutable(): string {
  const found = which('env');
  if (!found) throw new Error('env (coreutils) not on PATH');
  return found;
}

/**
 * A script line that dumps the exported environment as NAME=value\0 records:
 * what a child process such as the AWS CLI would inherit. Works in POSIX
 * shells and fish alike.
 */
export function dumpEnvCommand(): string {
  return `${shQuote(envExecutable())} -0`;
}

/**
 * Parses `env -0` output. Values are compared as bytes: the decoding here is
 * strict, so a shell that emits invalid UTF-8 makes the value come back as a
 * Buffer that differs from any valid encoding.
 */
export function parseEnvDump(stdout: Buffer, prefix = ''): Map<string, Buffer> {
  const vars = new Map<string, Buffer>();
  let start = 0;
  while (start < stdout.length) {
    let end = stdout.indexOf(0, start);
    if (end < 0) end = stdout.length;
    const record = stdout.subarray(start, end);
    const eq = record.indexOf(0x3d);
    if (eq > 0) {
      const name = record.subarray(0, eq).toString('latin1');
      if (name.startsWith(prefix)) vars.set(name, Buffer.from(record.subarray(eq + 1)));
    }
    start = end + 1;
  }
  return vars;
}

// ---------------------------------------------------------------- Wine cmd

/**
 * The tests' reusable downloads and the Wine prefix (CONTRIBUTING.md, "Run the tests"):
 * $XDG_CACHE_HOME/stsenv-test or ~/.cache/stsenv-test (runtimes.mjs, which the
 * machine's own Node runs before any test, says where).
 */
export { testCacheDir };

/**
 * A Wine prefix of our own, so that the tests neither touch ~/.wine nor pay
 * for creating a prefix more than once per machine. STSENV_WINEPREFIX overrides.
 */
export function winePrefix(): string {
  if (process.env.STSENV_WINEPREFIX) return process.env.STSENV_WINEPREFIX;
  return join(testCacheDir(), `wine-prefix-${process.getuid?.() ?? 'user'}`);
}

/** Environment for wine: our prefix, no debug output, no Mono/Gecko installers, no display. */
export function wineEnv(extra: Record<string, string> = {}): Record<string, string> {
  return shellEnv({
    WINEPREFIX: winePrefix(),
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree=;mshtml=',
    ...extra,
  });
}

/** Seconds the prefix's wineserver stays up after its last Wine process (see keepWineServer). */
const WINE_SERVER_LINGER_S = 30;

/** What a `wine` prints when its server went away as it connected: it ran nothing. */
const WINE_SERVER_LOST = /^wine client error:/m;

/**
 * Starts the prefix's wineserver with a linger of WINE_SERVER_LINGER_S, unless
 * one is running (it then exits 2 and that one stays). Left to itself, the
 * server a `wine` starts exits as soon as its last process does (Debian's
 * wineserver wrapper passes -p0), and a `wine` that connects while it exits dies with "wine client error:0: recvmsg: Connection
 * reset by peer" before it runs anything (Wine's server/request.c,
 * close_socket_timeout: it looks for a waiting client once, then exits). The
 * suite's Wine processes come from several test files at once with gaps of a
 * few seconds: kept up, the server is there for each, and it still ends by
 * itself 30 s after the last one. `env` is the Wine call's own (WINEPREFIX).
 */
async function keepWineServer(wine: string, env: Record<string, string>): Promise<void> {
  const server = which('wineserver', `${join(wine, '..')}${delimiter}${process.env.PATH ?? ''}`);
  if (!server) return;
  await run(server, [`-p${WINE_SERVER_LINGER_S}`], { env, timeoutMs: 60_000 });
}

/**
 * Runs one Wine process through `once` with the server kept up; if that
 * `wine` lost its server as it connected (it ran nothing), runs it once more.
 */
export async function withWineServer<T>(
  env: Record<string, string>,
  once: () => Promise<T>,
  output: (result: T) => string,
): Promise<T> {
  const wine = findShell('cmd');
  if (!wine) throw new Error('wine not installed');
  await keepWineServer(wine, env);
  const first = await once();
  if (!WINE_SERVER_LOST.test(output(first))) return first;
  console.log('wine: its server went away as it connected, and it ran nothing; it runs once more');
  await keepWineServer(wine, env);
  return once();
}

let winePrefixReady: Promise<void> | undefined;

/**
 * Creates the prefix on first use. That takes 10 s to a few minutes on a slow
 * machine, hence its own timeout; later calls take about half a second.
 */
export function ensureWinePrefix(timeoutMs = 600_000): Promise<void> {
  winePrefixReady ??= (async () => {
    const wine = findShell('cmd');
    if (!wine) throw new Error('wine not installed');
    mkdirSync(join(winePrefix(), '..'), { recursive: true });
    // The first run makes the prefix, and the server with it: nothing to keep up before it.
    const result = await run(wine, ['cmd', '/c', 'exit 0'], { env: wineEnv(), timeoutMs });
    if (result.code !== 0)
      throw new Error(`creating the Wine prefix failed (exit ${result.code}): ${stripWineNoise(result.stderr)}`);
  })();
  return winePrefixReady;
}

/** Wine's own chatter (prefix creation, fixme/err channels) that is not the batch file's output. */
export function stripWineNoise(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => !/^wine: |^[0-9a-f]{4}:(fixme|err|warn|trace):|^(fixme|err|warn):/.test(line))
    .join('\n');
}

/** Linux path as Wine's cmd sees it: the Z: drive maps the Unix root. */
export function winePath(unixPath: string): string {
  return `Z:${unixPath.replaceAll('/', '\\')}`;
}

export interface CmdResult {
  code: number | null;
  /** stdout with CRLF turned into LF and Wine noise removed. */
  stdout: string;
  stderr: string;
}

/**
 * Runs batch lines with Wine's cmd: written as a .bat file with CRLF and run
 * as `wine cmd /c file.bat` from the file's directory.
 *
 * Wine's cmd, on a busy machine, now and then fails to start what a `call`
 * names ("Application could not be started ... ShellExecuteEx failed: Internal
 * error"), with lines that pass in every other run: a batch that says so is run
 * once more, and that second run is the one returned.
 */
export async function runCmdBatch(lines: readonly string[], options: RunOptions = {}): Promise<CmdResult> {
  const wine = findShell('cmd');
  if (!wine) throw new Error('wine not installed');
  await ensureWinePrefix();
  const file = scratchFile('.bat', lines.map((l) => `${l}\r\n`).join(''));
  const env = options.env ?? wineEnv();
  const once = async (): Promise<CmdResult> => {
    const result = await run(wine, ['cmd', '/c', winePath(file)], {
      env,
      cwd: options.cwd ?? scratchDir(),
      timeoutMs: options.timeoutMs ?? 120_000,
    });
    return {
      code: result.code,
      stdout: stripWineNoise(result.stdout.toString('utf8').replaceAll('\r\n', '\n')),
      stderr: stripWineNoise(result.stderr),
    };
  };
  const onServer = () => withWineServer(env, once, (r) => r.stderr);
  const first = await onServer();
  if (!/ShellExecuteEx failed/.test(first.stdout + first.stderr)) return first;
  console.log('cmd: Wine could not start a program (ShellExecuteEx); the batch runs once more');
  return onServer();
}

/**
 * Batch lines that run stsenv's cmd output saved in `outputFile` the way Wine
 * can (`call %%L`: see shell-rules.md), then print every variable whose name
 * starts with `prefix` as NAME=value lines (cmd's `set PREFIX`).
 */
export function cmdEvalAndDump(outputFile: string, prefix: string): string[] {
  return [
    '@echo off',
    `for /f "usebackq delims=" %%L in ("${winePath(outputFile)}") do call %%L`,
    'echo ---dump---',
    `set ${prefix}`,
  ];
}

/** Parses cmd's `set PREFIX` output after the ---dump--- marker. */
export function parseCmdDump(stdout: string, prefix: string): Map<string, string> {
  const vars = new Map<string, string>();
  const marker = stdout.indexOf('---dump---\n');
  const body = marker < 0 ? '' : stdout.slice(marker + '---dump---\n'.length);
  for (const line of body.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, prefix.length).toUpperCase() === prefix.toUpperCase()) {
      vars.set(line.slice(0, eq).toUpperCase(), line.slice(eq + 1));
    }
  }
  return vars;
}

// ---------------------------------------------------------------- PowerShell 7

/**
 * pwsh installs as a .NET global tool (`dotnet tool install --global PowerShell`),
 * into ~/.dotnet/tools, which is not on PATH by default: the tests add it, for
 * findShell and for every shell and program they start.
 */
const DOTNET_TOOLS = join(homedir(), '.dotnet', 'tools');
if (existsSync(DOTNET_TOOLS) && !(process.env.PATH ?? '').split(delimiter).includes(DOTNET_TOOLS)) {
  process.env.PATH = [process.env.PATH, DOTNET_TOOLS].filter(Boolean).join(delimiter);
}

let pwshHome: string | undefined;

/**
 * Environment for pwsh: a HOME of its own in the scratch directory (pwsh
 * writes its start-up cache and module folders under HOME), no telemetry or
 * update check, and the caller's variables on top.
 */
export function pwshEnv(extra: Record<string, string> = {}): Record<string, string> {
  pwshHome ??= mkdtempSync(join(scratchDir(), 'pwsh-home-'));
  return shellEnv({
    HOME: pwshHome,
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    ...extra,
  });
}

/** Runs `script` as a .ps1 file with pwsh (-NoProfile -NonInteractive -File). */
export async function runPwshScript(script: string, options: RunOptions = {}): Promise<RunResult> {
  const executable = findShell('pwsh');
  if (!executable) throw new Error('pwsh not installed');
  const file = scratchFile('.ps1', script);
  return run(executable, [...shellSpec('pwsh').command.slice(1), file], { ...options, env: options.env ?? pwshEnv() });
}

/** PowerShell single quoting, for building test scripts (not the code under test). */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018-\u201b]/g, (c) => c + c)}'`;
}

/**
 * A pwsh statement that writes the environment a child process of pwsh gets
 * (`env -0`, NAME=value\0 records) to `file`, for parseEnvDump: what the AWS
 * CLI would inherit. pwsh's own pipeline would decode the bytes, so sh writes the file.
 */
export function pwshDumpEnvCommand(file: string): string {
  return `& '/bin/sh' -c 'exec "$0" -0 > "$1"' ${psQuote(envExecutable())} ${psQuote(file)}`;
}
