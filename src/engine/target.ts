/**
 * Where a request goes: the region, the endpoint, attempts and time, all
 * known before any request. Who signs is not decided here but by the
 * plan's root (build-plan.ts, readied by root-signer.ts); targetFor() joins
 * the two for one STS call.
 */
import { DEFAULT_TIMEOUT_MS, GLOBAL_ENDPOINT, GLOBAL_SIGNING_REGION, type StsTarget } from '../aws/client-options.js';
import { sharedConfig } from '../config/shared-files.js';
import { checkEndpointUrl, checkMaxAttempts, checkRegion } from '../validate.js';
import type { ProfileChoice } from './profile-choice.js';
import type { ConnectionRequest } from './request.js';

/** A target before its signer is known. */
export type StsConnection = Omit<StsTarget, 'profile' | 'credentials' | 'identityLabel'>;

/** Who signs one call: a profile (or the default chain) for the SDK, explicit keys, or nobody. */
export interface Signer {
  profile?: string;
  credentials?: StsTarget['credentials'];
  /** Who that is, for messages and --debug: never a secret. */
  label: string;
}

export function targetFor(connection: StsConnection, signer: Signer): StsTarget {
  return { ...connection, profile: signer.profile, credentials: signer.credentials, identityLabel: signer.label };
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value && value.trim() !== '' ? value : undefined;
}

/** Region: --region, AWS_REGION, AWS_DEFAULT_REGION, then the region of the chosen profile (else `default`). */
export async function resolveRegion(
  request: ConnectionRequest,
  env: NodeJS.ProcessEnv,
  profile: Pick<ProfileChoice, 'name'> | undefined,
): Promise<string | undefined> {
  if (request.region !== undefined) return request.region;
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = envValue(env, name);
    if (value) return checkRegion(value, name);
  }
  const name = profile?.name ?? 'default';
  // The shared files are read only now, when nothing else named a region (once per run: profiles use them too).
  const fromProfile = sharedConfig(env).profile(name)?.region;
  return fromProfile ? checkRegion(fromProfile, `region of profile '${name}'`) : undefined;
}

/** Endpoint: --endpoint-url, then the SDK's AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL. */
export function resolveEndpoint(request: ConnectionRequest, env: NodeJS.ProcessEnv): string | undefined {
  if (request.endpointUrl !== undefined) return request.endpointUrl;
  for (const name of ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL']) {
    const value = envValue(env, name);
    if (value) return checkEndpointUrl(value, name);
  }
  return undefined;
}

/** Attempts: --max-attempts, then AWS_MAX_ATTEMPTS (which the SDK would read). */
function resolveMaxAttempts(request: ConnectionRequest, env: NodeJS.ProcessEnv): number | undefined {
  if (request.maxAttempts !== undefined) return request.maxAttempts;
  const fromEnv = envValue(env, 'AWS_MAX_ATTEMPTS');
  return fromEnv === undefined ? undefined : checkMaxAttempts(Number(fromEnv.trim()), 'AWS_MAX_ATTEMPTS', fromEnv);
}

/**
 * Where the calls of one run go, from the request (checked by the command
 * that made it) and what the environment and the chosen profile say
 * (checked here, where they are read), before any request.
 */
export async function resolveConnection(
  request: ConnectionRequest,
  env: NodeJS.ProcessEnv,
  profile: Pick<ProfileChoice, 'name'> | undefined,
): Promise<StsConnection> {
  const endpoint = resolveEndpoint(request, env);
  const region = await resolveRegion(request, env, profile);
  return {
    region: region ?? GLOBAL_SIGNING_REGION,
    regionKnown: region !== undefined,
    // Without a region STS's global endpoint answers, signed for us-east-1.
    endpoint: endpoint ?? (region === undefined ? GLOBAL_ENDPOINT : undefined),
    maxAttempts: resolveMaxAttempts(request, env),
    timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}
