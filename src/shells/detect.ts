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

/** A process's parent PID, or undefined off Linux. */
export type ParentReader = (pid: number) => number | undefined;

/** Field 4 of /proc/PID/stat; the name before it (field 2, in parentheses) may itself hold ") ", so the last one ends it. */
export const readLinuxParentPid: ParentReader = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Programs that only run another one: between a shell and stsenv every day
 * (`timeout 30 stsenv ...`, `sudo stsenv ...`, `nice`, `xargs`). The shell
 * that reads stsenv's output is further up.
 */
const WRAPPERS = new Set([
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
]);

/** How many wrappers deep the search goes: a loop of them is no shell. */
const MAX_WRAPPERS = 8;

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
  /** Read only to walk past a wrapper program (timeout, sudo, env ...) to its own parent. */
  parentOf?: ParentReader;
}

/** The format to print, and whether the shell that reads it was seen for certain. */
export interface Detected {
  format: string;
  /**
   * Why the reader is a guess ($SHELL, PSModulePath or the default), for the
   * refusal of a value another shell would read differently; undefined when
   * STSENV_SHELL or the parent process named it.
   */
  guess?: string;
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
 * shell that runs `$(...)` or `| source`), looked for past wrapper programs
 * such as `timeout` or `sudo`; PowerShell's PSModulePath, which
 * PowerShell grows to three or more entries while cmd.exe's has the
 * system's two; cmd.exe on Windows; fish, nu, elvish, xonsh or tcsh as the
 * login shell; else POSIX. On Windows the parent is never looked up: a
 * Windows PID names nothing in /proc (under Wine it names an unrelated
 * Linux process). Off Windows everything after the parent is a guess, which
 * `guess` says (delivery then prints only values every shell reads alike).
 */
export function detectShell({
  env,
  platform,
  parentPid,
  processName,
  commandLine = readLinuxCommandLine,
  parentOf = readLinuxParentPid,
}: DetectInput): Detected {
  if (env.STSENV_SHELL) return { format: env.STSENV_SHELL };
  let pid: number | undefined = parentPid;
  let parent = platform === 'win32' ? undefined : processName(pid);
  for (let depth = 0; parent !== undefined && WRAPPERS.has(parent) && depth < MAX_WRAPPERS; depth++) {
    pid = parentOf(pid!);
    parent = pid === undefined ? undefined : processName(pid);
  }
  const known = parent === undefined ? undefined : PROCESS_FORMATS[parent];
  if (known) return { format: known };
  if (parent && /^python[0-9.]*$/.test(parent) && isXonsh(commandLine(pid!))) return { format: 'xonsh' };
  const modulePath = env.PSModulePath;
  if (platform === 'win32') {
    return { format: modulePath && modulePath.split(';').filter(Boolean).length >= 3 ? 'powershell' : 'cmd' };
  }
  const guess = parent
    ? `the program that runs stsenv, '${parent}', is not a shell`
    : 'the program that runs stsenv is not known';
  // pwsh on Linux and macOS sets PSModulePath with its own module folders.
  if (modulePath && /powershell/i.test(modulePath)) return { format: 'powershell', guess };
  const loginShell = env.SHELL ? basename(env.SHELL) : '';
  if (LOGIN_SHELL_FORMATS.has(loginShell)) return { format: PROCESS_FORMATS[loginShell]!, guess };
  return { format: 'sh', guess };
}

/** The format alone (stsenv completion and init pick a script with it). */
export function detectFormat(input: DetectInput): string {
  return detectShell(input).format;
}
