/**
 * Which IAM Identity Center sign-in a profile or an sso-session names, read
 * from the shared config file with the SDK's own loader, in both formats the
 * AWS CLI writes:
 *
 *   [profile dev]                    [profile dev]
 *   sso_session = corp               sso_start_url = https://corp.awsapps.com/start
 *   sso_account_id = ...             sso_region = eu-west-1
 *   sso_role_name = ...              sso_account_id = ...
 *                                    sso_role_name = ...
 *   [sso-session corp]
 *   sso_start_url = https://corp.awsapps.com/start
 *   sso_region = eu-west-1
 *   sso_registration_scopes = sso:account:access
 *
 * The token of an sso-session is cached under the session's name, a legacy
 * profile's under its start URL (botocore's SSOTokenLoader and the SDK's
 * getSSOTokenFromFile agree). Pure: the profiles and sessions come in loaded.
 */
import { usageError } from '../errors.js';
import { profileSource, sharedConfig, type ProfileData, type Profiles } from '../config/shared-files.js';
import { isRoleProfile, requireProfile, resolveChain } from '../config/profiles.js';
import { checkRegion } from '../validate.js';

/** What `aws configure sso` writes, and what the device flow asks for when a session names no scopes. */
export const DEFAULT_SCOPES: readonly string[] = ['sso:account:access'];

export interface SsoTarget {
  /** The [sso-session NAME]; undefined for the legacy format. */
  sessionName?: string;
  startUrl: string;
  /** The region of IAM Identity Center (sso_region). */
  region: string;
  /** RegisterClient's scopes; undefined for the legacy format (as the AWS CLI: its tokens are not refreshable). */
  scopes?: string[];
  /** The profile the user named, if any: for messages. */
  profile?: string;
  /** "sso-session 'corp'" or "profile 'dev'", for messages. */
  label: string;
}

export interface SsoSelection {
  profile?: string;
  ssoSession?: string;
}

/** The token cache's key, as botocore and the SDK compute it: the session name, else the start URL. */
export function tokenCacheId(target: Pick<SsoTarget, 'sessionName' | 'startUrl'>): string {
  return target.sessionName ?? target.startUrl;
}

/** `sso_registration_scopes = a, b` as the AWS CLI parses it (parse_sso_registration_scopes). */
export function parseScopes(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const scopes = raw
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  return scopes.length > 0 ? scopes : undefined;
}

function checkStartUrl(value: string, where: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw usageError(
      `invalid sso_start_url in ${where}: '${value}'`,
      'expected your AWS access portal URL, such as https://my-company.awsapps.com/start',
    );
  }
  return value;
}

function required(data: ProfileData, key: string, where: string): string {
  const value = data[key]?.trim();
  if (!value) throw usageError(`${where} has no ${key}`, `add ${key} = ... to it in the AWS config file`);
  return value;
}

function fromSession(name: string, sessions: Record<string, ProfileData>, profile?: string): SsoTarget {
  const data = Object.hasOwn(sessions, name) ? sessions[name] : undefined;
  if (!data) {
    throw usageError(
      `sso-session '${name}' is not in the AWS config file`,
      `add an [sso-session ${name}] section with sso_start_url and sso_region, or check AWS_CONFIG_FILE`,
    );
  }
  const where = `sso-session '${name}'`;
  return {
    sessionName: name,
    startUrl: checkStartUrl(required(data, 'sso_start_url', where), where),
    region: checkRegion(required(data, 'sso_region', where), `sso_region of ${where}`),
    scopes: parseScopes(data.sso_registration_scopes) ?? [...DEFAULT_SCOPES],
    profile,
    label: where,
  };
}

/** The profile whose SSO settings give the base credentials of `name`: itself, or the root of its source_profile chain. */
function ssoProfileOf(profiles: Profiles, name: string): { name: string; data: ProfileData } {
  const data = requireProfile(profileSource(profiles), name);
  if (!isRoleProfile(data)) return { name, data };
  const chain = resolveChain(profileSource(profiles), name);
  if (chain.root.kind !== 'sdk')
    throw usageError(
      `profile '${name}' does not sign in with IAM Identity Center: its credentials come from profile '${chain.root.profile}'`,
      'name a profile with sso_session or sso_start_url',
    );
  return { name: chain.root.profile, data: profiles[chain.root.profile]! };
}

/**
 * The sign-in --sso-session or --profile names (default: AWS_PROFILE, then
 * the default profile), as the AWS CLI's `sso login` reads it. A role profile
 * stands for the SSO profile its source_profile chain starts from.
 */
export function resolveSsoTarget(
  selection: SsoSelection,
  profiles: Profiles,
  sessions: Record<string, ProfileData>,
  env: NodeJS.ProcessEnv,
  action: 'login' | 'logout' = 'login',
): SsoTarget {
  if (selection.profile !== undefined && selection.ssoSession !== undefined)
    throw usageError('give --profile or --sso-session, not both');
  if (selection.ssoSession !== undefined) return fromSession(selection.ssoSession, sessions);
  const named = selection.profile ?? (env.AWS_PROFILE?.trim() || env.AWS_DEFAULT_PROFILE?.trim() || 'default');
  if (selection.profile === undefined && !Object.hasOwn(profiles, named)) {
    throw action === 'login'
      ? usageError(
          `no profile to sign in with: profile '${named}' is not in the AWS config file`,
          'pass --profile NAME or --sso-session NAME',
        )
      : usageError(
          `no profile to log out of: profile '${named}' is not in the AWS config file`,
          'pass --profile NAME or --sso-session NAME, or --all for every cached token',
        );
  }
  const { name, data } = ssoProfileOf(profiles, named);
  const where = `profile '${name}'`;
  if (data.sso_session) {
    const target = fromSession(data.sso_session.trim(), sessions, named);
    // The SDK refuses a profile that contradicts its session; so does this, before anyone signs in.
    if (data.sso_start_url && data.sso_start_url.trim() !== target.startUrl)
      throw usageError(
        `${where} has an sso_start_url other than its sso-session's`,
        'remove sso_start_url from the profile',
      );
    if (data.sso_region && data.sso_region.trim() !== target.region)
      throw usageError(`${where} has an sso_region other than its sso-session's`, 'remove sso_region from the profile');
    return target;
  }
  if (!data.sso_start_url) {
    throw usageError(
      `${where} does not sign in with IAM Identity Center (it has neither sso_session nor sso_start_url)`,
      'name a profile configured for SSO, or pass --sso-session NAME',
    );
  }
  return {
    startUrl: checkStartUrl(data.sso_start_url.trim(), where),
    region: checkRegion(required(data, 'sso_region', where), `sso_region of ${where}`),
    profile: named,
    label: where,
  };
}

/** The profiles and the [sso-session] sections of the shared config file, as the SDK's loader reads them. */
export async function loadSsoConfig(env: NodeJS.ProcessEnv): Promise<{ profiles: Profiles; sessions: Profiles }> {
  const files = sharedConfig(env);
  return { profiles: files.allProfiles(), sessions: files.allSsoSessions() };
}
