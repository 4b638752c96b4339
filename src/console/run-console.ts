/**
 * `stsenv console`: the credentials the engine gives for signing in
 * (src/engine/sign-in.ts), the federation endpoint's sign-in token for
 * them, and the login URL, opened in a browser or printed on stdout.
 */
import type { ChildProcess } from 'node:child_process';
import type { Context } from '../context.js';
import { durationFor, durationText } from '../duration.js';
import { prepareSignin, type SigninRequest } from '../engine/index.js';
import { usageError } from '../errors.js';
import { servicePath } from './services.js';
import { destinationUrl, federationEndpoint, loginUrl, logoutFirstUrl, partitionOf } from './urls.js';

/** What the console itself was asked for, checked by the command. */
export interface ConsoleSettings {
  /** --duration in seconds: the console session's (SessionDuration) unless GetFederationToken takes it. */
  durationSeconds?: number;
  /** Print the URL on stdout instead of opening a browser. */
  url?: boolean;
  destination?: string;
  /** --service: a console service by name (services.ts), in place of --destination. */
  service?: string;
  signinUrl?: string;
  /** --logout-first: sign out of the open console session, then in. */
  logoutFirst?: boolean;
  /** --browser-command or STSENV_BROWSER: starts the page's browser on an address (src/console/browser-command.ts). */
  launch?: (url: string) => Promise<ChildProcess>;
}

const CHAINED_MAX_SECONDS = 3600;

/** The console session asked of the federation endpoint for a role's or a session's credentials. */
function sessionDurationOf(durationSeconds: number | undefined, chained: boolean): number | undefined {
  if (durationSeconds === undefined) return undefined;
  const seconds = durationFor('the console session', durationSeconds);
  if (chained && seconds > CHAINED_MAX_SECONDS) {
    throw usageError(
      `--duration ${durationText(seconds)} is longer than the 1h the console allows for a role assumed with another role's credentials`,
      'give --duration 1h or less',
    );
  }
  return seconds;
}

export async function runConsole(request: SigninRequest, settings: ConsoleSettings, ctx: Context): Promise<number> {
  // Every check that needs no network comes first: the source, the region, the destination, a role's --duration.
  const prepared = await prepareSignin(request, ctx);
  const partition = partitionOf(prepared.region, prepared.roleArn);
  const destination = destinationUrl(
    partition,
    prepared.region,
    settings.service !== undefined ? servicePath(settings.service) : settings.destination,
  );
  const endpoint = settings.signinUrl ?? federationEndpoint(partition);
  const roleDuration =
    prepared.roleArn !== undefined ? sessionDurationOf(settings.durationSeconds, prepared.chained) : undefined;

  const signin = await prepared.credentials();
  const sessionDuration = signin.federated
    ? undefined
    : prepared.roleArn !== undefined
      ? roleDuration
      : sessionDurationOf(settings.durationSeconds, false);
  const refusedHint = signin.federated
    ? 'the sign-in endpoint refused the federated user credentials: try again'
    : prepared.roleArn !== undefined
      ? "the sign-in endpoint refused the role's credentials: a role assumed with another role's credentials allows --duration 1h at most"
      : 'the sign-in endpoint takes credentials from AssumeRole or GetFederationToken, not from GetSessionToken, and a --duration above 1h only for a role assumed with long-term keys';
  const { getSigninToken } = await import('./signin.js');
  const token = await getSigninToken({
    endpoint,
    credentials: signin.credentials,
    sessionDuration,
    timeoutMs: prepared.timeoutMs,
    env: ctx.env,
    debug: ctx.debug,
    refusedHint,
  });
  const login = loginUrl(endpoint, token, destination);
  const url = settings.logoutFirst ? logoutFirstUrl(partition, login, settings.signinUrl) : login;
  ctx.debug(
    `console destination ${destination}${settings.logoutFirst ? ', after signing out of the open console session' : ''}`,
  );

  // The URL signs anyone in for 15 minutes: stdout or the browser only, never stderr.
  if (settings.url) {
    ctx.stdout.write(`${url}\n`);
    return 0;
  }
  const { noBrowserReason } = await import('../browser.js');
  const { openInBrowser } = await import('./browser.js');
  // A browser command of one's own is run wherever it is asked for: it knows where it opens.
  const why = settings.launch
    ? await openInBrowser(url, ctx.platform, ctx.debug, undefined, settings.launch)
    : (noBrowserReason(ctx.env, ctx.platform) ?? (await openInBrowser(url, ctx.platform, ctx.debug)));
  if (why !== undefined) {
    ctx.warn(`no browser opened (${why}): the sign-in URL is on stdout`);
    ctx.stdout.write(`${url}\n`);
  }
  return 0;
}
