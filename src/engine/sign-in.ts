/**
 * The credentials `stsenv console` signs in with, in two steps so that
 * everything that can be refused is found before any request: prepare
 * (which source, the plan, the region) and then get them. A role (ROLE, or a
 * role profile) is assumed as `assume` would (chain, cache, MFA); otherwise
 * the current credentials are used: session credentials as they are, and
 * long-term keys through GetFederationToken, as aws-vault's `login` does
 * (the federation endpoint takes no long-term keys).
 */
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { durationFor } from '../duration.js';
import { hintAccessDenied, usageError } from '../errors.js';
import { assumePlan, baseRoot, profileRolePlan, signingProfile } from './build-plan.js';
import { cachePolicy } from './cache-policy.js';
import type { Plan } from './plan.js';
import { chooseProfile, type ProfileChoice } from './profile-choice.js';
import type { AssumeRoleRequest, SigninRequest } from './request.js';
import { rootSigner, unlockRoot } from './root-signer.js';
import { runPlan } from './run-plan.js';
import { defaultSessionName } from './session-name.js';
import { resolveConnection, targetFor } from './target.js';

/** A policy that lets the federated user do whatever the IAM user may (the session is the intersection), as aws-vault passes. */
const ALLOW_ALL_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

/** GetFederationToken's Name: 2 to 32 of [\w+=,.@-]. */
const FEDERATED_NAME_MAX = 32;

const LONG_TERM_HINT =
  'GetFederationToken needs the long-term keys of an IAM user allowed sts:GetFederationToken; or sign in with a role: stsenv console ROLE_ARN';

export interface SigninCredentials {
  credentials: Credentials & { sessionToken: string };
  /** From GetFederationToken: the endpoint then takes no SessionDuration. */
  federated: boolean;
}

export interface PreparedSignin {
  /** The region configured, for the console's region and partition. */
  region?: string;
  /** The role signed in as, when it is one (its ARN names the partition). */
  roleArn?: string;
  /** A role assumed with another role's credentials: the console then allows 1h at most. */
  chained: boolean;
  /** --timeout, for the sign-in endpoint's request too. */
  timeoutMs: number;
  credentials(): Promise<SigninCredentials>;
}

export async function prepareSignin(request: SigninRequest, ctx: Context): Promise<PreparedSignin> {
  const policy = cachePolicy(request.cache, ctx);
  const profile = chooseProfile(request.connection.profile, ctx.env);
  const plan = signinPlan(request, profile, ctx);
  const connection = await resolveConnection(request.connection, ctx.env, profile);
  const region = connection.regionKnown ? connection.region : undefined;
  if (plan.steps.length > 0) {
    return {
      region,
      roleArn: lastRole(plan),
      chained: isChained(plan),
      timeoutMs: connection.timeoutMs,
      credentials: async () => {
        const { credentials } = await runPlan(plan, connection, policy, request.mfa, ctx);
        return { credentials, federated: false };
      },
    };
  }
  return {
    region,
    chained: false,
    timeoutMs: connection.timeoutMs,
    credentials: async () => {
      const root = await unlockRoot(plan.root, ctx);
      // Keys from the environment need no SDK; session credentials then sign in with no request to STS at all.
      const signer = await rootSigner(root, ctx);
      const current =
        signer.credentials ?? (await (await ctx.sts()).resolveBaseCredentials(targetFor(connection, signer)));
      if (current.sessionToken) {
        if (
          request.federation.name !== undefined ||
          request.federation.policy !== undefined ||
          request.federation.policyArns !== undefined
        ) {
          const flag =
            request.federation.name !== undefined
              ? '--session-name'
              : request.federation.policy !== undefined
                ? '--policy'
                : '--policy-arn';
          throw usageError(`${flag} applies to a role or to long-term keys only (these are session credentials)`);
        }
        ctx.debug(`signing in with the session credentials of ${root.label}`);
        return { credentials: { ...current, sessionToken: current.sessionToken }, federated: false };
      }
      const input = {
        Name: federatedName(request, ctx),
        DurationSeconds: durationFor('GetFederationToken', request.federation.durationSeconds ?? 3600),
        Policy: request.federation.policy ?? ALLOW_ALL_POLICY,
        PolicyArns: request.federation.policyArns?.map((arn) => ({ arn })),
      };
      const federationSigner = {
        credentials: current,
        label: signer.credentials ? signer.label : `${root.label} (access key ${current.accessKeyId})`,
      };
      try {
        const issued = await (await ctx.sts()).getFederationToken(
          targetFor(connection, federationSigner),
          input,
          ctx.now(),
        );
        ctx.debug(
          `GetFederationToken gave ${issued.arn ?? 'a federated user'} until ${issued.credentials.expiration.toISOString()}`,
        );
        return { credentials: issued.credentials, federated: true };
      } catch (error) {
        throw hintAccessDenied(error, LONG_TERM_HINT);
      }
    },
  };
}

/**
 * A role's plan when there is a role: ROLE, or the chosen profile's own
 * when it is a role profile, named by --profile or by AWS_PROFILE alike (the
 * console signs in as someone, and a role profile is someone). Otherwise
 * the current credentials: a plan of the root alone.
 */
function signinPlan(request: SigninRequest, profile: ProfileChoice | undefined, ctx: Context): Plan {
  // --duration is the console session's, not the role session's: the role is asked for as `assume` asks (and cached alike).
  const asAssume: AssumeRoleRequest = { ...request, kind: 'assume-role' };
  if (request.roleArn !== undefined) return assumePlan(asAssume, profile, ctx);
  // Whose credentials: --profile, the key variables, AWS_PROFILE... as for every request (build-plan.ts).
  const signing = signingProfile(profile, ctx);
  const rolePlan = signing && profileRolePlan(asAssume, signing, ctx);
  if (rolePlan) return rolePlan;
  refuseRoleOnly(request);
  return { root: baseRoot(signing, ctx), steps: [] };
}

function lastRole(plan: Plan): string | undefined {
  const last = plan.steps[plan.steps.length - 1]!;
  return last.operation === 'GetSessionToken' ? undefined : last.input.RoleArn;
}

/** The role's credentials came from another role's (any role operation before the last): role chaining. */
function isChained(plan: Plan): boolean {
  return plan.steps.length >= 2 && plan.steps[plan.steps.length - 2]!.operation !== 'GetSessionToken';
}

/** Options that only a role's AssumeRole takes. */
function refuseRoleOnly(request: SigninRequest): void {
  const given: Array<[unknown, string]> = [
    [request.fields.ExternalId, '--external-id'],
    [request.fields.Tags, '--tag'],
    [request.fields.TransitiveTagKeys, '--transitive-tag'],
    [request.fields.SourceIdentity, '--source-identity'],
    [request.mfa.mfaSerial, '--mfa-serial'],
    [request.mfa.tokenCode, '--token-code'],
  ];
  for (const [value, flag] of given)
    if (value !== undefined)
      throw usageError(`${flag} applies to a role only`, 'give a role ARN, or --profile of a role profile');
}

/** GetFederationToken's Name: --session-name, else `stsenv-USER` from the same user name as the default session name. */
function federatedName(request: SigninRequest, ctx: Context): string {
  const name = request.federation.name;
  if (name !== undefined) {
    if (name.length > FEDERATED_NAME_MAX)
      throw usageError(
        `--session-name '${name}' is too long for GetFederationToken`,
        `give at most ${FEDERATED_NAME_MAX} characters`,
      );
    return name;
  }
  return defaultSessionName(ctx.env, ctx.now()).replace(/-\d+$/, '').slice(0, FEDERATED_NAME_MAX);
}
