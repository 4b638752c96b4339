/**
 * A role profile, followed back through source_profile to whatever gives the
 * first credentials. Pure: it reads the profiles of the shared files and decides
 * what to call; nothing here talks to AWS.
 */
import { usageError } from '../errors.js';
import { checkExternalId, checkMfaSerial, checkRoleArn, checkSamlProviderArn, checkSessionName } from '../validate.js';
import type { ProfileData, ProfileSource } from './shared-files.js';

/** What signs the first request of a chain. */
export type RootSource =
  /** Keys written in the profile itself: read here, no SDK needed. */
  | { kind: 'static'; profile: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** credential_process: the command stsenv runs itself, split as the AWS CLI splits it, without a shell. */
  | { kind: 'process'; profile: string; command: string }
  /** Anything else the SDK resolves for a profile: SSO, web identity, login... */
  | { kind: 'sdk'; profile: string }
  /** credential_source = Environment: the AWS_ACCESS_KEY_ID... variables. */
  | { kind: 'environment'; profile: string }
  /** saml_assertion_process: the profile's own role, assumed with the SAML assertion the command prints (unsigned). */
  | { kind: 'saml'; profile: string }
  /** Keys in the keystore (README: Keys in the keystore), standing where keys in the credentials file would. */
  | { kind: 'keystore'; profile: string; accessKeyId: string };

/** The access key id of a profile's keys in the keystore, when it has some there. */
export type KeystoreLookup = (profile: string) => string | undefined;
const noKeystore: KeystoreLookup = () => undefined;

/** One AssumeRole a profile asks for. */
export interface RoleHop {
  profile: string;
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  durationSeconds?: number;
  mfaSerial?: string;
  /** mfa_process: a command printing the code for mfaSerial. */
  mfaProcess?: string;
  region?: string;
  /** A SAML profile's hop: AssumeRoleWithSAML with the assertion `command` prints, for the provider `principalArn`. */
  saml?: { principalArn: string; command: string };
}

export interface ProfileChain {
  root: RootSource;
  /** Role hops from the one the root signs to the named profile's own. */
  hops: RoleHop[];
}

export function isRoleProfile(data: ProfileData | undefined): boolean {
  return Boolean(data?.role_arn);
}

/** A profile whose keys are only in the keystore exists, with no settings in the files. */
export function requireProfile(
  profiles: ProfileSource,
  name: string,
  why = '--profile',
  keystore: KeystoreLookup = noKeystore,
): ProfileData {
  const data = profiles.profile(name) ?? (keystore(name) !== undefined ? {} : undefined);
  if (!data) {
    throw usageError(
      `${why} names profile '${name}', which is not in the AWS config or credentials file`,
      'check the name, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE',
    );
  }
  return data;
}

function staticRoot(name: string, data: ProfileData): RootSource | undefined {
  if (!data.aws_access_key_id || !data.aws_secret_access_key) return undefined;
  return {
    kind: 'static',
    profile: name,
    accessKeyId: data.aws_access_key_id,
    secretAccessKey: data.aws_secret_access_key,
    sessionToken: data.aws_session_token || undefined,
  };
}

function keystoreRoot(name: string, keystore: KeystoreLookup): RootSource | undefined {
  const accessKeyId = keystore(name);
  return accessKeyId === undefined ? undefined : { kind: 'keystore', profile: name, accessKeyId };
}

/**
 * A profile's credential_process, when it is what gives the credentials: keys
 * written in the profile and a web identity token file come first, in the AWS
 * CLI and the SDK alike. (The SDK takes it before SSO settings in the same
 * profile, the AWS CLI after: stsenv keeps the SDK's order it always had.)
 */
function processRoot(name: string, data: ProfileData): RootSource | undefined {
  const command = data.credential_process?.trim();
  if (!command || data.web_identity_token_file) return undefined;
  return { kind: 'process', profile: name, command };
}

/** What gives a profile that assumes no role its credentials. */
export function ownRoot(name: string, data: ProfileData, keystore: KeystoreLookup = noKeystore): RootSource {
  // Keys in the keystore stand where keys in the file would: before a credential_process.
  return (
    staticRoot(name, data) ?? keystoreRoot(name, keystore) ?? processRoot(name, data) ?? { kind: 'sdk', profile: name }
  );
}

function roleHop(name: string, data: ProfileData): RoleHop {
  const where = `in profile '${name}'`;
  const hop: RoleHop = { profile: name, roleArn: checkRoleArn(data.role_arn!, `role_arn ${where}`) };
  if (data.role_session_name) hop.sessionName = checkSessionName(data.role_session_name, `role_session_name ${where}`);
  if (data.external_id) {
    try {
      hop.externalId = checkExternalId(data.external_id);
    } catch {
      throw usageError(`invalid external_id ${where}`, 'use 2 to 1224 characters from letters, digits and _+=,.@:/-');
    }
  }
  if (data.mfa_serial) hop.mfaSerial = checkMfaSerial(data.mfa_serial, `mfa_serial ${where}`);
  if (data.mfa_process?.trim()) hop.mfaProcess = data.mfa_process.trim();
  if (data.duration_seconds) {
    const seconds = Number(data.duration_seconds);
    if (!/^\d+$/.test(data.duration_seconds.trim()) || seconds < 900 || seconds > 43_200) {
      throw usageError(
        `invalid duration_seconds ${where}: '${data.duration_seconds}'`,
        'give seconds from 900 to 43200',
      );
    }
    hop.durationSeconds = seconds;
  }
  if (data.region) hop.region = data.region;
  if (data.saml_assertion_process?.trim()) {
    const principal = data.saml_principal_arn?.trim();
    if (!principal)
      throw usageError(
        `profile '${name}' has saml_assertion_process but no saml_principal_arn`,
        'add saml_principal_arn = arn:aws:iam::ACCOUNT:saml-provider/NAME',
      );
    hop.saml = {
      principalArn: checkSamlProviderArn(principal, `saml_principal_arn ${where}`),
      command: data.saml_assertion_process.trim(),
    };
  }
  return hop;
}

/**
 * Follows `name` back to its root. A profile that names itself as
 * source_profile and has keys uses its own keys, as the AWS CLI does; any
 * other repeat is a loop.
 */
export function resolveChain(
  profiles: ProfileSource,
  name: string,
  keystore: KeystoreLookup = noKeystore,
): ProfileChain {
  const hops: RoleHop[] = [];
  const seen: string[] = [];
  let current = name;
  let data = requireProfile(profiles, name, '--profile', keystore);
  for (;;) {
    if (!isRoleProfile(data)) {
      return { root: ownRoot(current, data, keystore), hops: hops.reverse() };
    }
    seen.push(current);
    hops.push(roleHop(current, data));
    const source = data.source_profile;
    const credentialSource = data.credential_source;
    if (hops[hops.length - 1]!.saml) {
      if (source || credentialSource)
        throw usageError(
          `profile '${current}' has saml_assertion_process and ${source ? 'source_profile' : 'credential_source'}`,
          'keep one of them: a SAML profile needs no other credentials',
        );
      return { root: { kind: 'saml', profile: current }, hops: hops.reverse() };
    }
    if (source && credentialSource) {
      throw usageError(`profile '${current}' has both source_profile and credential_source`, 'keep one of them');
    }
    if (credentialSource) {
      if (credentialSource !== 'Environment') {
        throw usageError(
          `credential_source '${credentialSource}' in profile '${current}' is not supported by stsenv`,
          'use credential_source = Environment or a source_profile',
        );
      }
      return { root: { kind: 'environment', profile: current }, hops: hops.reverse() };
    }
    if (!source) {
      throw usageError(
        `role profile '${current}' has neither source_profile nor credential_source`,
        'add source_profile = NAME of the profile whose credentials assume the role',
      );
    }
    const sourceData = requireProfile(profiles, source, `source_profile of profile '${current}'`, keystore);
    if (source === current) {
      const own = staticRoot(current, data) ?? keystoreRoot(current, keystore);
      if (!own)
        throw usageError(
          `profile '${current}' is its own source_profile but has no aws_access_key_id and aws_secret_access_key`,
        );
      return { root: own, hops: hops.reverse() };
    }
    if (seen.includes(source)) {
      throw usageError(
        `profiles form a loop: ${[...seen, source].join(' -> ')}`,
        'fix source_profile so the chain ends at a profile with credentials',
      );
    }
    current = source;
    data = sourceData;
  }
}
