/**
 * Opening the console in a browser without putting the sign-in URL in any
 * process's arguments: the browser is started (by the `open` package:
 * xdg-open, macOS `open`, PowerShell Start) on a one-time loopback address,
 * http://127.0.0.1:PORT/RANDOM, which answers once with a redirect to the
 * sign-in URL and then closes. The process list shows that address to
 * every local user, so it is answered only for a client of stsenv's own
 * user (peer-uid.ts); another user's request gets nothing and stops the
 * sign-in with an error. Where that owner cannot be known (every platform but
 * Linux), the launcher gets instead the file:// URL of a private page that
 * sends the browser on to the address (signin-file.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { launchBrowser } from '../browser.js';
import { failure, StsenvError } from '../errors.js';
import { listenOnLoopback } from '../server/loopback-server.js';
import { peerOwners } from './peer-uid.js';
import { type SigninFile, writeSigninFile } from './signin-file.js';

export interface Handoff {
  /** The one-time address to give the browser. */
  url: string;
  /** Settles when the browser has fetched it. */
  fetched: Promise<void>;
  /** Settles, with words for people, when another user asked for the address: they got nothing. */
  stolen: Promise<string>;
  close(): Promise<void>;
}

/** A loopback address that redirects, once, to `target`. Any other request gets 404. */
export async function startHandoff(target: string): Promise<Handoff> {
  const path = `/${randomBytes(32).toString('base64url')}`;
  let resolveFetched!: () => void;
  const fetched = new Promise<void>((resolve) => (resolveFetched = resolve));
  let reportStolen!: (why: string) => void;
  const stolen = new Promise<string>((resolve) => (reportStolen = resolve));
  let used = false;
  const server = await listenOnLoopback((req, res) => {
    req.resume();
    if (used || req.method !== 'GET' || req.url !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('not found\n');
      return;
    }
    // The address is in the launcher's arguments, which every local user can read: only our own user redeems it.
    const owners = peerOwners(req.socket);
    if (owners && owners.client !== owners.server) {
      res.writeHead(403, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('forbidden\n');
      reportStolen(
        `uid ${owners.client}, another user on this machine, asked for the one-time sign-in address; it got nothing`,
      );
      return;
    }
    used = true;
    res.writeHead(302, {
      Location: target,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Length': 0,
    });
    res.end(() => resolveFetched());
  });
  return { url: `http://127.0.0.1:${server.port}${path}`, fetched, stolen, close: server.close };
}

/**
 * How the browser is given the one-time address: in the launcher's arguments
 * where a client's owner is checked (Linux: snap-confined browsers cannot
 * read files in /tmp), else through a private file.
 */
export function handoffWay(platform: NodeJS.Platform): 'address' | 'file' {
  return platform === 'linux' ? 'address' : 'file';
}

/** How long a browser may take to ask for the one-time address. */
export const BROWSER_WAIT_MS = 60_000;

/**
 * Opens `target` in the default browser (or the one `launch` starts: --browser-command) through a one-time loopback address.
 * Resolves to undefined once the browser has fetched it, or to why it did
 * not (the launcher could not start or failed, or no browser asked in time).
 */
export async function openInBrowser(
  target: string,
  /** The Context's platform: it decides how the address is handed over (handoffWay). */
  platform: NodeJS.Platform,
  debug: (message: string) => void,
  waitMs = BROWSER_WAIT_MS,
  launch: (url: string) => Promise<ChildProcess> = launchBrowser,
): Promise<string | undefined> {
  const handoff = await startHandoff(target);
  let timer: NodeJS.Timeout | undefined;
  let file: SigninFile | undefined;
  try {
    if (handoffWay(platform) === 'file') file = await writeSigninFile(handoff.url);
    const launcher = await launch(file?.url ?? handoff.url);
    debug(
      `started a browser through ${launcher.spawnfile} on a one-time loopback address${file ? ', given in a private file' : ''}`,
    );
    const failed = new Promise<string>((resolve) => {
      launcher.once('exit', (code, signal) => {
        if (code !== 0) resolve(`the browser launcher ${launcher.spawnfile} failed (${signal ?? `exit code ${code}`})`);
      });
    });
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no browser asked for the page within ${waitMs / 1000}s`), waitMs);
    });
    const theft = handoff.stolen.then((why): never => {
      throw failure(`the console sign-in was stopped: ${why}`, {
        hint: 'find who ran that on this machine, then run stsenv console again',
      });
    });
    return await Promise.race([handoff.fetched.then(() => undefined), failed, late, theft]);
  } catch (error) {
    if (error instanceof StsenvError) throw error;
    const e = error as NodeJS.ErrnoException;
    return `cannot start a browser (${e.code ?? e.message.split('\n')[0]})`;
  } finally {
    clearTimeout(timer);
    await file?.remove();
    await handoff.close();
  }
}
