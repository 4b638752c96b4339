import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A process's name as the kernel shows it, or undefined off Linux. */
export type ProcessNameReader = (pid: number) => string | undefined;

/** A process's arguments (argv), or undefined off Linux. */
export type CommandLineReader = (pid: number) => string[] | undefined;

export const readLinuxCommandLine: CommandLineReader = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
};

/** Linux's /proc. Never asked on Windows (detectFormat): there /proc/... is a folder of the current drive, under Wine Linux's, with other PIDs. */
export const readLinuxProcessName: ProcessNameReader = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

const PROCESS_FORMATS: Record<string, string> = {
  bash: 'bash',
  zsh: 'zsh',
  sh: 'sh',
  dash: 'sh',
  ksh: 'sh',
  ksh93: 'sh',
  mksh: 'sh',
  yash: 'sh',
  busybox: 'sh',
  ash: 'sh',
  fish: 'fish',
  pwsh: 'powershell',
  powershell: 'powershell',
  'powershell.exe': 'powershell',
  'pwsh.exe': 'powershell',
  'cmd.exe': 'cmd',
  nu: 'nu',
  elvish: 'elvish',
  xonsh: 'xonsh',
  tcsh: 'tcsh',
  csh: 'tcsh',
};

/** Login shells ($SHELL) that pick their own format when the parent process says nothing. */
const LOGIN_SHELL_FORMATS = new Set(['fish', 'nu', 'elvish', 'xonsh', 'tcsh', 'csh']);

export interface DetectInput {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  parentPid: number;
  processName: ProcessNameReader;
  /** Read only for a Python parent, to tell xonsh from another Python program. */
  commandLine?: CommandLineReader;
}

/**
 * xonsh is a Python program: installed as a script its process name is
 * `xonsh`, but run as `python3 -m xonsh` (or `python3 /path/to/xonsh`) it is
 * python's; then its arguments tell.
 */
function isXonsh(argv: readonly string[] | undefined): boolean {
  if (!argv) return false;
  const args = argv.slice(1);
  const module = args.indexOf('-m');
  if (module !== -1) return args[module + 1] === 'xonsh';
  const script = args.find((arg) => !arg.startsWith('-'));
  return script !== undefined && basename(script) === 'xonsh';
}

/**
 * The format to print when --shell is not given, in order of trust:
 * STSENV_SHELL set by the user; off Windows the parent process itself (the
 * shell that runs `$(...)` or `| source`); PowerShell's PSModulePath, which
 * PowerShell grows to three or more entries while cmd.exe's has the
 * system's two; cmd.exe on Windows; fish, nu, elvish, xonsh or tcsh as the
 * login shell; else POSIX. On Windows the parent is never looked up: a
 * Windows PID names nothing in /proc (under Wine it names an unrelated
 * Linux process).
 */
export function detectFormat({ env, platform, parentPid, processName, commandLine = readLinuxCommandLine }: DetectInput): string {
  if (env.STSENV_SHELL) return env.STSENV_SHELL;
  const parent = platform === 'win32' ? undefined : processName(parentPid);
  if (parent && PROCESS_FORMATS[parent]) return PROCESS_FORMATS[parent];
  if (parent && /^python[0-9.]*$/.test(parent) && isXonsh(commandLine(parentPid))) return 'xonsh';
  const modulePath = env.PSModulePath;
  if (platform === 'win32') {
    return modulePath && modulePath.split(';').filter(Boolean).length >= 3 ? 'powershell' : 'cmd';
  }
  // pwsh on Linux and macOS sets PSModulePath with its own module folders.
  if (modulePath && /powershell/i.test(modulePath)) return 'powershell';
  const loginShell = env.SHELL ? basename(env.SHELL) : '';
  if (LOGIN_SHELL_FORMATS.has(loginShell)) return PROCESS_FORMATS[loginShell]!;
  return 'sh';
}
