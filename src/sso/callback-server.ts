/**
 * The loopback end of the authorization code flow: an HTTP server on
 * 127.0.0.1 (a free port) that waits for the browser to come back to
 * /oauth/callback with the code and the `state` this sign-in sent. A request
 * with any other state, or none, is someone else's (a forged link, a page
 * left open from an earlier sign-in): it gets an error page and the wait goes
 * on. The first callback with the right state ends the wait; later ones get a
 * page saying the sign-in is over. No value from a request reaches the page
 * or the terminal.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CALLBACK_PATH = '/oauth/callback';

export type CallbackOutcome = { code: string } | { error: string };

export interface CallbackServer {
  /** http://127.0.0.1:PORT/oauth/callback */
  redirectUri: string;
  /** The callback carrying `state`: its code, or the OAuth error it names. Rejects with `timedOut()` when `deadline` (ms since epoch) passes first. */
  wait(deadline: number, timedOut: () => Error): Promise<CallbackOutcome>;
  close(): Promise<void>;
}

function page(title: string, text: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}</style></head>
<body><h1>${title}</h1><p>${text}</p></body></html>
`;
}

const DONE = page(
  'Signed in',
  'stsenv has received your sign-in to IAM Identity Center. You may close this page and return to your terminal.',
);
const REFUSED = page(
  'Sign-in not completed',
  'IAM Identity Center did not approve the sign-in. You may close this page; your terminal says what to do next.',
);
const FOREIGN = page(
  'Not this sign-in',
  'This page does not belong to the sign-in stsenv is waiting for (its state does not match), so it was ignored. Use the page that stsenv opened or printed.',
);
const OVER = page('Sign-in already finished', 'stsenv is no longer waiting for this sign-in. You may close this page.');
const NOT_FOUND = page('Not found', 'Nothing here.');

function respond(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(body);
}

export async function listenForCallback(state: string, debug: (message: string) => void): Promise<CallbackServer> {
  let settle: ((outcome: CallbackOutcome) => void) | undefined;
  let outcome: CallbackOutcome | undefined;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      respond(res, 404, NOT_FOUND);
      return;
    }
    if (outcome) {
      debug('a callback after the sign-in was over: ignored');
      respond(res, 400, OVER);
      return;
    }
    const params = url.searchParams;
    if (params.get('state') !== state) {
      debug("a callback with a state that is not this sign-in's: ignored, still waiting");
      respond(res, 400, FOREIGN);
      return;
    }
    const code = params.get('code');
    const error = params.get('error');
    if (error !== null || !code) {
      outcome = { error: (error ?? 'no code').replace(/[^\w.-]/g, '').slice(0, 64) || 'error' };
      respond(res, 400, REFUSED);
    } else {
      outcome = { code };
      respond(res, 200, DONE);
    }
    settle?.(outcome);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  debug(`waiting for the browser at http://127.0.0.1:${port}${CALLBACK_PATH}`);
  let closed: Promise<void> | undefined;

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    wait(deadline, timedOut) {
      if (outcome) return Promise.resolve(outcome);
      return new Promise<CallbackOutcome>((resolve, reject) => {
        const timer = setTimeout(() => reject(timedOut()), Math.max(0, deadline - Date.now()));
        settle = (result) => {
          clearTimeout(timer);
          resolve(result);
        };
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
