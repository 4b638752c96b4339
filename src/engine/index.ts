/**
 * The credential engine: the one place that turns a request into
 * credentials. It alone knows profiles and chains, who signs each call, the
 * cache, MFA and STS; commands parse options into a request, call it, and
 * deliver what it returns.
 */
import type { CallerIdentity } from '../aws/sts.js';
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { buildPlan, profilePlan } from './build-plan.js';
import { cachePolicy } from './cache-policy.js';
import { chooseProfile } from './profile-choice.js';
import type { ConnectionRequest, CredentialRequest, ProfileCredentialsRequest, SigninRequest } from './request.js';
import { rootSigner, unlockRoot } from './root-signer.js';
import type { PreparedSignin } from './sign-in.js';
import { runPlan } from './run-plan.js';
import { resolveConnection, targetFor, type Signer } from './target.js';

export type {
  AssumeRoleRequest,
  CacheSettings,
  ConnectionRequest,
  CredentialRequest,
  MfaRequest,
  ProfileCredentialsRequest,
  RoleFields,
  SamlRequest,
  SessionTokenRequest,
  SigninRequest,
  WebIdentityRequest,
} from './request.js';
export type { PreparedSignin, SigninCredentials } from './sign-in.js';
export { openCache } from './cache-policy.js';
// What `stsenv doctor` reads the configuration with: the engine's own rules, not a copy of them.
export { isRoleProfile, resolveChain, type ProfileChain } from '../config/profiles.js';
export { envKeys } from './build-plan.js';
export { chooseProfile } from './profile-choice.js';
export { resolveEndpoint } from './target.js';

export interface ResolvedCredentials {
  credentials: Credentials;
  /** The region to export (AWS_REGION), when one was configured. */
  region?: string;
  /** Whether the answer came from stsenv's cache (no request made). */
  fromCache: boolean;
  /** The assumed role's session ARN, when STS said. */
  arn?: string;
  /** The role these credentials are a session of (the last AssumeRole), when they are one. */
  roleArn?: string;
}

export async function resolveCredentials(request: CredentialRequest, ctx: Context): Promise<ResolvedCredentials> {
  const policy = cachePolicy(request.cache, ctx);
  // The profile chosen gives the region for every request, and the credentials for all but web identity's and SAML's.
  const profile = chooseProfile(request.connection.profile, ctx.env);
  const plan = buildPlan(request, profile, ctx);
  const connection = await resolveConnection(request.connection, ctx.env, profile);
  const region = connection.regionKnown ? connection.region : undefined;
  if (plan.steps.length === 0) {
    // A profile that is not a role profile, or none: its keys, or the SDK's own answer, uncached (the SDK caches its own).
    const root = await unlockRoot(plan.root, ctx);
    if (root.kind === 'keys') return { credentials: root.credentials, region, fromCache: false };
    // A credential_process's credentials are printed as it gave them: no SDK, no request.
    if (root.kind === 'process')
      return { credentials: (await rootSigner(root, ctx)).credentials!, region, fromCache: false };
    const sts = await ctx.sts();
    return {
      credentials: await sts.resolveBaseCredentials(targetFor(connection, await rootSigner(root, ctx))),
      region,
      fromCache: false,
    };
  }
  const mfa = request.kind === 'web-identity' || request.kind === 'saml' ? {} : request.mfa;
  const result = await runPlan(plan, connection, policy, mfa, ctx);
  if (!result.fromCache)
    ctx.debug(
      `${result.arn ? `assumed ${result.arn}` : 'got credentials'} until ${result.credentials.expiration.toISOString()}`,
    );
  const last = plan.steps[plan.steps.length - 1]!;
  const roleArn = last.operation === 'GetSessionToken' ? undefined : last.input.RoleArn;
  return { credentials: result.credentials, region, fromCache: result.fromCache, arn: result.arn, roleArn };
}

/**
 * The identity (GetCallerIdentity) of what every other command would start
 * from: a role profile through stsenv's own chain (its session name, the
 * cache, the MFA prompt), as `export --profile` gets it; any other profile,
 * or none, its base credentials.
 */
export async function callerIdentity(request: ProfileCredentialsRequest, ctx: Context): Promise<CallerIdentity> {
  const profile = chooseProfile(request.connection.profile, ctx.env);
  const plan = profilePlan(request, profile, ctx);
  const connection = await resolveConnection(request.connection, ctx.env, profile);
  let signer: Signer;
  if (plan.steps.length > 0) {
    const result = await runPlan(plan, connection, cachePolicy(request.cache, ctx), request.mfa, ctx);
    signer = {
      credentials: result.credentials,
      label: `${plan.steps[plan.steps.length - 1]!.describe} (access key ${result.credentials.accessKeyId})`,
    };
  } else {
    signer = await rootSigner(await unlockRoot(plan.root, ctx), ctx);
  }
  const sts = await ctx.sts();
  return sts.getCallerIdentity(targetFor(connection, signer));
}

/**
 * GetCallerIdentity signed with `keys` themselves, at the endpoint and region `profile` would use:
 * whether keys about to be moved into the keystore work (stsenv keys import).
 */
export async function verifyKeys(
  keys: Credentials,
  profile: string,
  request: ConnectionRequest,
  ctx: Context,
): Promise<CallerIdentity> {
  const connection = await resolveConnection(request, ctx.env, { name: profile });
  const sts = await ctx.sts();
  return sts.getCallerIdentity(
    targetFor(connection, { credentials: keys, label: `profile '${profile}' (access key ${keys.accessKeyId})` }),
  );
}

/**
 * The console's sign-in: the credentials its URL is made from. Loaded on first use, so that the
 * common paths, which never sign in to the console, do not evaluate it.
 */
export async function prepareSignin(request: SigninRequest, ctx: Context): Promise<PreparedSignin> {
  const { prepareSignin: prepare } = await import('./sign-in.js');
  return prepare(request, ctx);
}
