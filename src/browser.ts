/**
 * Opening a page in the user's browser (`sso login`'s sign-in page, the
 * console) with the `open` package: xdg-open, macOS `open`, Windows Start,
 * and under WSL Windows' own browser. Never in CI, never over SSH (the page
 * would open on the remote machine's screen, unless X is forwarded:
 * DISPLAY), never on Linux and the BSDs without a display.
 */
import type { ChildProcess } from 'node:child_process';

/** Why no browser may be opened here, or undefined where one may. */
export function noBrowserReason(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const ci = env.CI?.trim().toLowerCase();
  if (ci && ci !== '0' && ci !== 'false') return 'CI is set';
  if (platform === 'win32') return undefined;
  const ssh = Boolean(env.SSH_CONNECTION || env.SSH_TTY);
  if (platform === 'darwin') return ssh ? 'this is an SSH session' : undefined;
  if (env.DISPLAY?.trim() || env.WAYLAND_DISPLAY?.trim()) return undefined;
  // WSL without WSLg: the `open` package starts the Windows browser through PowerShell.
  if (platform === 'linux' && env.WSL_DISTRO_NAME) return ssh ? 'this is an SSH session' : undefined;
  return 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
}

/** Starts the default browser on `url`; the launcher process. Throws when none can be started. */
export async function launchBrowser(url: string): Promise<ChildProcess> {
  const { default: open } = await import('open');
  const launcher = await open(url);
  // A detached launcher that fails later must not end stsenv or print over what it shows.
  launcher.on('error', () => {});
  return launcher;
}
