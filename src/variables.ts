import { isoSeconds, type CredentialOutput } from './credentials.js';

/** What a shell must do to its environment: variables to set, then variables to remove. */
export interface EnvChange {
  set: Array<[name: string, value: string]>;
  clear: string[];
}

export const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  // Read by the AWS SDKs to know when to refresh.
  'AWS_CREDENTIAL_EXPIRATION',
  // Read by prompts such as starship.
  'AWS_SESSION_EXPIRATION',
] as const;

export const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/**
 * The region stsenv set, beside AWS_REGION: `unset` removes a region
 * variable only while it still holds this value, so a region the user set
 * themselves (before stsenv set none, or after it) stays.
 */
export const REGION_MARKER = 'STSENV_REGION';

/**
 * The role whose credentials the other variables hold, when they are a
 * role's: a later `stsenv assume` that signs with them says so (a role
 * chain), and prompts can show it (as aws-vault's AWS_VAULT, granted's
 * GRANTED_AWS_ROLE_PROFILE).
 */
export const ROLE_VARIABLE = 'STSENV_ROLE_ARN';

/**
 * Set only by the init functions of `stsenv init`, for their prompt hooks
 * (README "Long sessions"): how the credentials were obtained (for `stsenv
 * refresh`), what prompts call them, and their expiry as epoch seconds, which
 * a shell compares with its clock without starting a process or parsing a date.
 */
export const REQUEST_VARIABLE = 'STSENV_REQUEST';
export const LABEL_VARIABLE = 'STSENV_LABEL';
export const EXPIRES_EPOCH_VARIABLE = 'STSENV_EXPIRES_EPOCH';
export const SESSION_VARIABLES = [REQUEST_VARIABLE, LABEL_VARIABLE, EXPIRES_EPOCH_VARIABLE] as const;

/**
 * Always removed: with a profile and key variables both set, the SDK for
 * JavaScript v3 uses the profile and silently ignores the keys; the legacy
 * AWS_SECURITY_TOKEN would pair an old token with the new keys in old tools.
 */
export const CONFLICTING_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'] as const;

/** Every variable stsenv ever sets or clears, in the order `unset` removes them. */
export const ALL_VARIABLES: readonly string[] = [
  ...CREDENTIAL_VARIABLES,
  ROLE_VARIABLE,
  ...SESSION_VARIABLES,
  ...REGION_VARIABLES,
  REGION_MARKER,
  ...CONFLICTING_VARIABLES,
];

export function credentialEnv(output: CredentialOutput): EnvChange {
  const { credentials, region } = output;
  const set: EnvChange['set'] = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
  ];
  const clear: string[] = [];
  // A token left over from an earlier session would be sent with the new keys.
  if (credentials.sessionToken) set.push(['AWS_SESSION_TOKEN', credentials.sessionToken]);
  else clear.push('AWS_SESSION_TOKEN');
  if (credentials.expiration) {
    const expiration = isoSeconds(credentials.expiration);
    set.push(['AWS_CREDENTIAL_EXPIRATION', expiration], ['AWS_SESSION_EXPIRATION', expiration]);
  } else {
    clear.push('AWS_CREDENTIAL_EXPIRATION', 'AWS_SESSION_EXPIRATION');
  }
  // Cleared otherwise: a role named by an earlier stsenv would be taken for these credentials' own.
  if (output.roleArn) set.push([ROLE_VARIABLE, output.roleArn]);
  else clear.push(ROLE_VARIABLE);
  // Cleared otherwise: a prompt hook would repeat an earlier request over these credentials.
  if (output.recorded) {
    set.push([REQUEST_VARIABLE, output.recorded.request], [LABEL_VARIABLE, output.recorded.label]);
    if (credentials.expiration)
      set.push([EXPIRES_EPOCH_VARIABLE, String(Math.floor(credentials.expiration.getTime() / 1000))]);
    else clear.push(EXPIRES_EPOCH_VARIABLE);
  } else {
    clear.push(...SESSION_VARIABLES);
  }
  if (region) {
    set.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]);
    if (output.regionIsUsers) clear.push(REGION_MARKER);
    else set.push([REGION_MARKER, region]);
  }
  clear.push(...CONFLICTING_VARIABLES);
  return { set, clear };
}

/**
 * What `stsenv unset` does: remove everything stsenv may have set. A region
 * variable goes only while it holds the region stsenv set (REGION_MARKER);
 * one the user set is theirs to keep.
 */
export function clearAllEnv(env: NodeJS.ProcessEnv): EnvChange {
  // A marker that no longer matches is cleared with the rest: the region is the user's.
  const marker = env[REGION_MARKER];
  const ours = (name: string): boolean =>
    !REGION_VARIABLES.includes(name as never) || (marker !== undefined && marker !== '' && env[name] === marker);
  return { set: [], clear: ALL_VARIABLES.filter(ours) };
}

/** Whether `region` is already the user's own: in AWS_REGION or AWS_DEFAULT_REGION, not set there by stsenv. */
export function regionIsUsers(region: string | undefined, env: NodeJS.ProcessEnv): boolean {
  if (!region || env[REGION_MARKER] === region) return false;
  return REGION_VARIABLES.some((name) => env[name] === region);
}
