import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A process's name as the kernel shows it, or undefined off Linux. */
export type ProcessNameReader = (pid: number) => string | undefined;

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
};

export interface DetectInput {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  parentPid: number;
  processName: ProcessNameReader;
}

/**
 * The format to print when --shell is not given, in order of trust:
 * STSENV_SHELL set by the user; off Windows the parent process itself (the
 * shell that runs `$(...)` or `| source`); PowerShell's PSModulePath, which
 * PowerShell grows to three or more entries while cmd.exe's has the
 * system's two; cmd.exe on Windows; fish as the login shell; else POSIX.
 * On Windows the parent is never looked up: a Windows PID names nothing in
 * /proc (under Wine it names an unrelated Linux process).
 */
export function detectFormat({ env, platform, parentPid, processName }: DetectInput): string {
  if (env.STSENV_SHELL) return env.STSENV_SHELL;
  const parent = platform === 'win32' ? undefined : processName(parentPid);
  if (parent && PROCESS_FORMATS[parent]) return PROCESS_FORMATS[parent];
  const modulePath = env.PSModulePath;
  if (platform === 'win32') {
    return modulePath && modulePath.split(';').filter(Boolean).length >= 3 ? 'powershell' : 'cmd';
  }
  // pwsh on Linux and macOS sets PSModulePath with its own module folders.
  if (modulePath && /powershell/i.test(modulePath)) return 'powershell';
  const loginShell = env.SHELL ? basename(env.SHELL) : '';
  if (loginShell === 'fish') return 'fish';
  return 'sh';
}
