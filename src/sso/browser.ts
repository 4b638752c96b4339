/**
 * Whether `stsenv sso login` may open the sign-in page in a browser, and
 * opening it with the `open` package (xdg-open, macOS open, Windows Start).
 * Never in CI, never over SSH (the browser would open on the remote
 * machine's screen, unless X is forwarded: DISPLAY), never on Linux and the
 * BSDs without a display (DISPLAY or WAYLAND_DISPLAY; WSL opens Windows'
 * browser), never with --no-browser.
 */
export function canOpenBrowser(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  const ci = env.CI?.trim().toLowerCase();
  if (ci && ci !== 'false' && ci !== '0') return false;
  if (platform === 'win32') return true;
  if (platform === 'darwin') return !env.SSH_CONNECTION && !env.SSH_TTY;
  if (env.DISPLAY?.trim() || env.WAYLAND_DISPLAY?.trim()) return true;
  return platform === 'linux' && Boolean(env.WSL_DISTRO_NAME) && !env.SSH_CONNECTION && !env.SSH_TTY;
}

/** Starts the browser on `url`; false when no opener could be started. */
export async function openInBrowser(url: string, debug: (message: string) => void): Promise<boolean> {
  const { default: open } = await import('open');
  try {
    const child = await open(url);
    // A detached opener that fails later must not print over the code shown.
    child.on('error', () => {});
    return true;
  } catch (error) {
    debug(`could not start a browser: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return false;
  }
}
