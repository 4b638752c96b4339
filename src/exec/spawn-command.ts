/**
 * Finding and starting the command of `stsenv exec` as a shell would: execvp's
 * PATH search on POSIX; on Windows cmd.exe's, through PATH and PATHEXT, so that
 * `npx`, `cdk` and every other CLI npm installs as a `.cmd` shim runs.
 *
 * Windows cannot start a batch file without cmd.exe (Node refuses since
 * 20.12.2, CVE-2024-27980), and cmd.exe reads `& | < > ^ % !` and quotes in
 * its command line. cross-spawn resolves the command and quotes and escapes
 * every argument for cmd.exe. It escapes twice only for `node_modules\.bin\*.cmd`,
 * but every batch file that passes `%*` on parses the arguments a second time:
 * npm's global shims (`%APPDATA%\npm\cdk.cmd`), `npx.cmd`, gradlew.bat. Escaped
 * once, an argument such as `x"&calc&"` runs calc there, so batch files get
 * cross-spawn's double escaping, whatever their folder.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, join, normalize } from 'node:path';
import crossSpawn from 'cross-spawn';
import { argument as escapeArgument, command as escapeCommand } from 'cross-spawn/lib/util/escape.js';
import { EXIT_CANNOT_RUN, EXIT_NOT_FOUND, StsenvError } from '../errors.js';

const BATCH_FILE = /\.(?:bat|cmd)$/i;

/** What cross-spawn's spawn() is made of: its index.js exports both (untyped by @types/cross-spawn). */
interface CrossSpawnParts {
  _parse(command: string, args: string[], options: SpawnOptions): Parsed;
  _enoent: { hookChildProcess(child: ChildProcess, parsed: Parsed): void };
}
interface Parsed {
  command: string;
  args: string[];
  options: SpawnOptions & { windowsVerbatimArguments?: boolean };
  /** The file the command resolved to through PATH and PATHEXT; undefined when not found. Windows only. */
  file: string | undefined;
}
const crossSpawnParts = crossSpawn as unknown as CrossSpawnParts;

export function notFound(command: string): StsenvError {
  return new StsenvError(`command not found: '${command}'`, EXIT_NOT_FOUND, { hint: 'check its name and PATH' });
}

export function cannotRun(command: string, why: string, hint?: string): StsenvError {
  return new StsenvError(`cannot run '${command}': ${why}`, EXIT_CANNOT_RUN, { hint });
}

/**
 * Finds a command the way it will be started, so that a typo fails before any
 * request to STS: execvp's search on POSIX, cmd.exe's on Windows (the current
 * folder, then PATH, each name tried with the extensions of PATHEXT).
 */
export function checkCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): StsenvError | undefined {
  if (platform === 'win32') return checkWindowsCommand(command, args, env);
  const candidates = command.includes('/')
    ? [command]
    : (env.PATH ?? '').split(delimiter).map((dir) => join(dir || '.', command));
  let found = false;
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
    } catch {
      continue;
    }
    found = true;
    try {
      accessSync(candidate, fsConstants.X_OK);
      return undefined;
    } catch {
      // present but not executable: keep looking, as execvp does
    }
  }
  return found ? cannotRun(command, 'permission denied', 'make it executable') : notFound(command);
}

function checkWindowsCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): StsenvError | undefined {
  const file = crossSpawnParts._parse(command, [...args], { env }).file;
  if (!file) return notFound(command);
  // cmd.exe ends its command line at a line break: the rest would be lost, or read as another line.
  if (BATCH_FILE.test(file) && args.some((arg) => /[\r\n]/.test(arg))) {
    return cannotRun(
      command,
      'an argument has a line break, which cmd.exe cannot pass to a batch file',
      'pass it in a file or a variable',
    );
  }
  return undefined;
}

/**
 * Starts the command with no shell of ours: on POSIX with execvp, on Windows
 * through cross-spawn (cmd.exe only for batch files, and then with every
 * argument escaped so that it arrives as given and cannot start anything).
 */
export function spawnCommand(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  platform: NodeJS.Platform,
): ChildProcess {
  if (platform !== 'win32') return spawn(command, args, options);
  const parsed = crossSpawnParts._parse(command, [...args], options);
  if (parsed.options.windowsVerbatimArguments && BATCH_FILE.test(parsed.file ?? '')) {
    // cross-spawn's own command line, with its double escaping (see the top of this file).
    const line = [escapeCommand(normalize(command)), ...args.map((arg) => escapeArgument(arg, true))].join(' ');
    parsed.args = ['/d', '/s', '/c', `"${line}"`];
  }
  const child = spawn(parsed.command, parsed.args, parsed.options);
  // cmd.exe says "not found" with exit 1: cross-spawn turns that into ENOENT.
  crossSpawnParts._enoent.hookChildProcess(child, parsed);
  return child;
}
