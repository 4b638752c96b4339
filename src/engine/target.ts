import { DEFAULT_TIMEOUT_MS, GLOBAL_ENDPOINT, GLOBAL_SIGNING_REGION, type StsTarget } from '../aws/client-options.js';
import type { Credentials } from '../credentials.js';
import { usageError } from '../errors.js';
import { checkEndpointUrl, checkRegion } from '../validate.js';

/** Options every STS command shares. */
export interface ConnectionOptions {
  region?: string;
  endpointUrl?: string;
  profile?: string;
  maxAttempts?: number;
  /** Seconds. */
  timeout?: number;
}

/** The region a profile names in the shared config file, read with the SDK's own loader. */
export type ProfileRegionReader = (profile: string, env: NodeJS.ProcessEnv) => Promise<string | undefined>;

export const readProfileRegion: ProfileRegionReader = async (profile) => {
  // Loaded only when neither --region nor the environment names a region; read once per run (profiles use it too).
  const { loadProfiles } = await import('../config/shared-files.js');
  const profiles = await loadProfiles();
  return Object.hasOwn(profiles, profile) ? profiles[profile]?.region : undefined;
};

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value && value.trim() !== '' ? value : undefined;
}

/** Region: --region, AWS_REGION, AWS_DEFAULT_REGION, then the profile's region. */
export async function resolveRegion(options: ConnectionOptions, env: NodeJS.ProcessEnv, readRegion = readProfileRegion): Promise<string | undefined> {
  if (options.region !== undefined) return checkRegion(options.region);
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = envValue(env, name);
    if (value) return checkRegion(value, name);
  }
  const profile = options.profile ?? envValue(env, 'AWS_PROFILE') ?? envValue(env, 'AWS_DEFAULT_PROFILE') ?? 'default';
  const fromProfile = await readRegion(profile, env);
  return fromProfile ? checkRegion(fromProfile, `region of profile '${profile}'`) : undefined;
}

/** Endpoint: --endpoint-url, then the SDK's AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL. */
export function resolveEndpoint(options: ConnectionOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.endpointUrl !== undefined) return checkEndpointUrl(options.endpointUrl);
  for (const name of ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL']) {
    const value = envValue(env, name);
    if (value) return checkEndpointUrl(value, name);
  }
  return undefined;
}

/** Who the base credentials belong to, in words that help fix an error. No secrets. */
export function describeIdentity(options: ConnectionOptions, env: NodeJS.ProcessEnv, credentials?: Credentials): string {
  if (credentials) return `access key ${credentials.accessKeyId}`;
  if (options.profile) return `profile '${options.profile}'`;
  const envProfile = envValue(env, 'AWS_PROFILE');
  if (envProfile) return `profile '${envProfile}' (from AWS_PROFILE)`;
  const key = envValue(env, 'AWS_ACCESS_KEY_ID');
  if (key) return `access key ${key} (from AWS_ACCESS_KEY_ID)`;
  return 'the default credential chain';
}

/** Attempts: --max-attempts, then AWS_MAX_ATTEMPTS (which the SDK would read); checked before any request. */
export function resolveMaxAttempts(options: ConnectionOptions, env: NodeJS.ProcessEnv): number | undefined {
  const fromEnv = envValue(env, 'AWS_MAX_ATTEMPTS');
  const [value, option] = options.maxAttempts !== undefined ? [options.maxAttempts, '--max-attempts'] : [fromEnv === undefined ? undefined : Number(fromEnv.trim()), 'AWS_MAX_ATTEMPTS'];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 20) {
    throw usageError(`invalid ${option} '${option === '--max-attempts' ? value : fromEnv}'`, 'give a whole number from 1 to 20');
  }
  return value;
}

export async function resolveTarget(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv,
  base: { credentials?: Credentials } = {},
  readRegion = readProfileRegion,
): Promise<StsTarget> {
  const endpoint = resolveEndpoint(options, env);
  const region = await resolveRegion(options, env, readRegion);
  const maxAttempts = resolveMaxAttempts(options, env);
  if (options.timeout !== undefined && (!Number.isFinite(options.timeout) || options.timeout <= 0 || options.timeout > 3600)) {
    throw usageError(`invalid --timeout '${options.timeout}'`, 'give seconds, more than 0 and at most 3600');
  }
  return {
    region: region ?? GLOBAL_SIGNING_REGION,
    regionKnown: region !== undefined,
    // Without a region STS's global endpoint answers, signed for us-east-1.
    endpoint: endpoint ?? (region === undefined ? GLOBAL_ENDPOINT : undefined),
    profile: base.credentials ? undefined : options.profile,
    credentials: base.credentials,
    identityLabel: describeIdentity(options, env, base.credentials),
    maxAttempts,
    timeoutMs: options.timeout !== undefined ? Math.round(options.timeout * 1000) : DEFAULT_TIMEOUT_MS,
  };
}
