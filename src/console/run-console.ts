/**
 * `stsenv console`: the AWS console signed in with a role's credentials (as
 * `assume` gets them: profiles, chain, MFA, cache), session credentials
 * already in the environment or a profile, or long-term keys turned into
 * federated-user credentials first with GetFederationToken, as aws-vault's
 * `login` does (the federation endpoint takes no long-term keys).
 */
import type { StsTarget } from '../aws/client-options.js';
import { cachePolicy } from '../cache/options.js';
import type { AssumeOptions } from '../commands/assume.js';
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { durationFor, parseDurationSeconds } from '../duration.js';
import { StsenvError, usageError } from '../errors.js';
import type { WriteProfileOptions } from '../files/credentials-file.js';
import type { OutputOptions } from '../output.js';
import { isRoleProfile, requireProfile } from '../engine/chain.js';
import { envKeys, type Plan } from '../engine/plan.js';
import { runPlan } from '../engine/run-plan.js';
import { defaultSessionName } from '../engine/session-name.js';
import { describeIdentity, resolveTarget } from '../engine/target.js';
import { checkEndpointUrl, checkPolicyArns, checkSessionName } from '../validate.js';
import { destinationUrl, federationEndpoint, loginUrl, partitionOf } from './urls.js';

/** assume's options (the role is asked for as `assume` asks), without its output; --duration is the console's. */
export interface ConsoleOptions extends Omit<AssumeOptions, keyof OutputOptions | keyof WriteProfileOptions> {
  /** The console session: SessionDuration, or GetFederationToken's DurationSeconds for long-term keys. */
  duration?: string;
  /** Print the URL on stdout instead of opening a browser. */
  url?: boolean;
  destination?: string;
  signinUrl?: string;
}

/** A policy that lets the federated user do whatever the IAM user may (the session is the intersection), as aws-vault passes. */
const ALLOW_ALL_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

/** GetFederationToken's Name: 2 to 32 of [\w+=,.@-]. */
const FEDERATED_NAME_MAX = 32;

const LONG_TERM_HINT = 'GetFederationToken needs the long-term keys of an IAM user allowed sts:GetFederationToken; or sign in with a role: stsenv console ROLE_ARN';

/** Where the credentials come from, decided before any request. */
type Source =
  | { kind: 'role'; plan: Plan; roleArn: string }
  /** Keys from the environment: session credentials are used as they are, long-term ones through GetFederationToken. */
  | { kind: 'environment'; credentials: Credentials }
  /** Whatever the SDK resolves for a profile that is not a role profile, or its default chain. */
  | { kind: 'sdk'; profile?: string };

/** Options that only a role's AssumeRole takes. */
const ROLE_ONLY: ReadonlyArray<[keyof ConsoleOptions, string]> = [
  ['externalId', '--external-id'],
  ['tag', '--tag'],
  ['transitiveTag', '--transitive-tag'],
  ['sourceIdentity', '--source-identity'],
  ['mfaSerial', '--mfa-serial'],
  ['tokenCode', '--token-code'],
];

async function resolveSource(options: ConsoleOptions, ctx: Context): Promise<Source> {
  const { assumePlan } = await import('../commands/assume.js');
  // --duration is the console's, not the role session's: the role is asked for as `assume` asks (and cached alike).
  const roleOptions = { ...options, duration: undefined };
  if (options.roleArn !== undefined) {
    const plan = await assumePlan(roleOptions, ctx);
    return { kind: 'role', plan, roleArn: lastRole(plan) };
  }
  const profileName = options.profile ?? (ctx.env.AWS_PROFILE?.trim() || undefined);
  if (profileName !== undefined) {
    const { loadProfiles } = await import('../config/shared-files.js');
    const profiles = await loadProfiles();
    const data = options.profile !== undefined ? requireProfile(profiles, profileName) : profiles[profileName];
    if (isRoleProfile(data)) {
      const plan = await assumePlan({ ...roleOptions, profile: profileName }, ctx);
      return { kind: 'role', plan, roleArn: lastRole(plan) };
    }
  }
  for (const [key, flag] of ROLE_ONLY) {
    if (options[key] !== undefined) throw usageError(`${flag} applies to a role only`, 'give a role ARN, or --profile of a role profile');
  }
  if (profileName !== undefined) return { kind: 'sdk', profile: profileName };
  const keys = envKeys(ctx.env);
  return keys ? { kind: 'environment', credentials: keys } : { kind: 'sdk' };
}

function lastRole(plan: Plan): string {
  const last = plan.steps[plan.steps.length - 1]!;
  return last.operation === 'GetSessionToken' ? '' : (last.input.RoleArn ?? '');
}

/** A role assumed with another role's credentials: the federation endpoint then allows at most 1h. */
function isChained(plan: Plan): boolean {
  return plan.steps.length >= 2 && plan.steps[plan.steps.length - 2]!.operation === 'AssumeRole';
}

const CHAINED_MAX_SECONDS = 3600;

/** GetFederationToken's Name: --session-name, else `stsenv-USER` from the same user name as the default session name. */
function federatedName(options: ConsoleOptions, ctx: Context): string {
  if (options.sessionName !== undefined) {
    const name = checkSessionName(options.sessionName);
    if (name.length > FEDERATED_NAME_MAX) throw usageError(`--session-name '${name}' is too long for GetFederationToken`, `give at most ${FEDERATED_NAME_MAX} characters`);
    return name;
  }
  return defaultSessionName(ctx.env, ctx.now()).replace(/-\d+$/, '').slice(0, FEDERATED_NAME_MAX);
}

interface SigninCredentials {
  credentials: Credentials & { sessionToken: string };
  /** SessionDuration for the sign-in request; never with GetFederationToken credentials, which the endpoint refuses. */
  sessionDuration?: number;
  /** What to do when the endpoint refuses them. */
  refusedHint: string;
}

/** Long-term keys: federated-user credentials from GetFederationToken, for --duration (default 1h). */
async function federationCredentials(options: ConsoleOptions, target: StsTarget, ctx: Context): Promise<SigninCredentials> {
  const DurationSeconds = durationFor('GetFederationToken', options.duration ?? '1h');
  const Name = federatedName(options, ctx);
  const input = {
    Name,
    DurationSeconds,
    Policy: options.policy !== undefined ? (await import('../commands/assume.js')).readPolicy(options.policy) : ALLOW_ALL_POLICY,
    PolicyArns: options.policyArn?.length ? checkPolicyArns(options.policyArn).map((arn) => ({ arn })) : undefined,
  };
  const sts = await import('../aws/sts.js');
  const { reporter } = await import('../commands/reporter.js');
  try {
    const issued = await sts.getFederationToken(target, reporter(ctx), input, ctx.now());
    ctx.debug(`GetFederationToken gave ${issued.arn ?? 'a federated user'} until ${issued.credentials.expiration.toISOString()}`);
    return { credentials: issued.credentials, refusedHint: 'the sign-in endpoint refused the federated user credentials: try again' };
  } catch (error) {
    if (error instanceof StsenvError && error.code === 'AccessDenied') {
      throw new StsenvError(error.message, error.exitCode, { cause: error.cause, code: error.code, hint: LONG_TERM_HINT });
    }
    throw error;
  }
}

/** The console session asked of the federation endpoint for a role's or a session's credentials. */
function sessionDurationOf(options: ConsoleOptions, chained: boolean): number | undefined {
  if (options.duration === undefined) return undefined;
  const seconds = durationFor('the console session', options.duration);
  if (chained && seconds > CHAINED_MAX_SECONDS) {
    throw usageError(`--duration ${options.duration} is longer than the 1h the console allows for a role assumed with another role's credentials`, 'give --duration 1h or less');
  }
  return seconds;
}

async function signinCredentials(source: Source, options: ConsoleOptions, target: StsTarget, ctx: Context): Promise<SigninCredentials> {
  if (source.kind === 'role') {
    const sessionDuration = sessionDurationOf(options, isChained(source.plan));
    const result = await runPlan(source.plan, target, cachePolicy(options, ctx), options, ctx);
    return {
      credentials: result.credentials,
      sessionDuration,
      refusedHint: 'the sign-in endpoint refused the role\'s credentials: a role assumed with another role\'s credentials allows --duration 1h at most',
    };
  }
  const GFT_ONLY: ReadonlyArray<[keyof ConsoleOptions, string]> = [['sessionName', '--session-name'], ['policy', '--policy'], ['policyArn', '--policy-arn']];
  let credentials: Credentials;
  if (source.kind === 'environment') {
    credentials = source.credentials;
    target.credentials = credentials;
    target.identityLabel = describeIdentity(options, ctx.env, credentials) + ' (from AWS_ACCESS_KEY_ID)';
  } else {
    target.identityLabel = describeIdentity(options, ctx.env);
    const sts = await import('../aws/sts.js');
    const { reporter } = await import('../commands/reporter.js');
    credentials = await sts.resolveBaseCredentials(target, reporter(ctx));
    target.profile = undefined;
    target.credentials = credentials;
    target.identityLabel = `${target.identityLabel} (access key ${credentials.accessKeyId})`;
  }
  if (!credentials.sessionToken) return federationCredentials(options, target, ctx);
  for (const [key, flag] of GFT_ONLY) {
    if (options[key] !== undefined) throw usageError(`${flag} applies to a role or to long-term keys only (these are session credentials)`);
  }
  ctx.debug(`signing in with the session credentials of ${target.identityLabel}`);
  return {
    credentials: { ...credentials, sessionToken: credentials.sessionToken },
    sessionDuration: sessionDurationOf(options, false),
    refusedHint: 'the sign-in endpoint takes credentials from AssumeRole or GetFederationToken, not from GetSessionToken, and a --duration above 1h only for a role assumed with long-term keys',
  };
}

export async function runConsole(options: ConsoleOptions, ctx: Context): Promise<number> {
  // Every check that needs no network comes first.
  if (options.duration !== undefined && parseDurationSeconds(String(options.duration)) === undefined) {
    throw usageError(`invalid --duration '${options.duration}'`, 'give seconds (3600) or a length such as 15m, 1h, 12h');
  }
  const signinOverride = options.signinUrl !== undefined ? checkEndpointUrl(options.signinUrl, '--signin-url') : undefined;
  const source = await resolveSource(options, ctx);
  const target = await resolveTarget(options, ctx.env);
  const region = target.regionKnown ? target.region : undefined;
  const partition = partitionOf(region, source.kind === 'role' ? source.roleArn : undefined);
  const destination = destinationUrl(partition, region, options.destination);
  const endpoint = signinOverride ?? federationEndpoint(partition);

  const signin = await signinCredentials(source, options, target, ctx);
  const { getSigninToken } = await import('./signin.js');
  const token = await getSigninToken({
    endpoint,
    credentials: signin.credentials,
    sessionDuration: signin.sessionDuration,
    timeoutMs: target.timeoutMs,
    env: ctx.env,
    debug: ctx.debug,
    refusedHint: signin.refusedHint,
  });
  const url = loginUrl(endpoint, token, destination);
  ctx.debug(`console destination ${destination}`);

  // The URL signs anyone in for 15 minutes: stdout or the browser only, never stderr.
  if (options.url) {
    ctx.stdout.write(`${url}\n`);
    return 0;
  }
  const { noBrowserReason, openInBrowser } = await import('./browser.js');
  const why = noBrowserReason(ctx.env, ctx.platform) ?? (await openInBrowser(url, ctx.debug));
  if (why !== undefined) {
    ctx.warn(`no browser opened (${why}): the sign-in URL is on stdout`);
    ctx.stdout.write(`${url}\n`);
  }
  return 0;
}
