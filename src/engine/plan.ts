/**
 * A plan is what stsenv will ask STS for, in order: the root that signs the
 * first request, then each request signed by the answer to the one before.
 * Every step has a cache key computed from the plan alone, so the last
 * step's key can be looked up without loading the AWS SDK or resolving any
 * credentials.
 */
import type {
  AssumeRoleCommandInput,
  AssumeRoleWithSAMLCommandInput,
  AssumeRoleWithWebIdentityCommandInput,
} from '@aws-sdk/client-sts';
import { GLOBAL_ENDPOINT, type StsTarget } from '../aws/client-options.js';
import { partitionOf } from '../aws/partition.js';
import { cacheKey, sha256, type CacheRequest } from '../cache/key.js';
import type { CacheLabel } from '../cache/store.js';
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { usageError } from '../errors.js';
import { configFilePath, credentialsFilePath, type ProfileData, sharedConfig } from '../config/shared-files.js';
import { ownRoot, type ProfileChain, type RootSource } from '../config/profiles.js';
import { describeChoice, type ProfileChoice } from './profile-choice.js';
import type { Signer } from './target.js';

export type Root =
  /** The SDK resolves the credentials of `profile`, or its default chain when undefined. */
  | { kind: 'sdk'; profile?: string; key: string; label: string }
  | { kind: 'keys'; credentials: Credentials; key: string; label: string }
  /** Long-term keys in the keystore: read only when a call must be signed with them (unlockRoot), never for a cache hit. */
  | { kind: 'keystore'; profile: string; accessKeyId: string; key: string; label: string }
  /** The credentials a profile's credential_process prints, run by stsenv when they are needed (never cached). */
  | ProcessRoot
  /** AssumeRoleWithWebIdentity is not signed. */
  | { kind: 'unsigned'; key: string; label: string };

/** Its key and label are the ones the SDK's root for the same profile had: caches made before stay valid. */
export interface ProcessRoot {
  kind: 'process';
  profile: string;
  command: string;
  key: string;
  label: string;
}

/**
 * Where a SAML assertion comes from: given to `stsenv saml`, or printed by a
 * profile's saml_assertion_process, which runs only when STS is to be asked.
 */
export type SamlAssertion = { kind: 'given'; value: string } | { kind: 'process'; profile: string; command: string };

/** A profile's mfa_process: the command that prints the MFA code, run before any prompt. */
export interface MfaProcess {
  profile: string;
  command: string;
}

export type Step =
  | {
      operation: 'AssumeRole';
      input: AssumeRoleCommandInput;
      mfaSerial?: string;
      mfaProcess?: MfaProcess;
      defaultSessionName: boolean;
      describe: string;
    }
  | {
      operation: 'GetSessionToken';
      input: { DurationSeconds: number };
      mfaSerial?: string;
      mfaProcess?: MfaProcess;
      describe: string;
    }
  | {
      operation: 'AssumeRoleWithWebIdentity';
      input: AssumeRoleWithWebIdentityCommandInput;
      defaultSessionName: boolean;
      describe: string;
    }
  /** The session name is the assertion's (its RoleSessionName attribute): none is sent. */
  | {
      operation: 'AssumeRoleWithSAML';
      input: Omit<AssumeRoleWithSAMLCommandInput, 'SAMLAssertion'>;
      assertion: SamlAssertion;
      describe: string;
    };

export interface Plan {
  root: Root;
  steps: Step[];
}

/** A session made with the MFA code lasts this long, so the code is asked for rarely (as `stsenv session`). */
export const MFA_SESSION_SECONDS = 43_200;

function hashSecrets(credentials: { secretAccessKey: string; sessionToken?: string }): string {
  return sha256(`${credentials.secretAccessKey}\0${credentials.sessionToken ?? ''}`);
}

function filesKey(env: NodeJS.ProcessEnv): string {
  return `${configFilePath(env)}|${credentialsFilePath(env)}`;
}

/** The AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN variables, when both keys are set. */
export function envKeys(env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN?.trim() || undefined };
}

/** What the SDK resolves: a profile's credentials (SSO, credential_process...), or without one its default chain. */
export function sdkRoot(profile: ProfileChoice | undefined, env: NodeJS.ProcessEnv): Root {
  if (profile)
    return {
      kind: 'sdk',
      profile: profile.name,
      key: `profile:${profile.name}@${filesKey(env)}`,
      label: describeChoice(profile),
    };
  return { kind: 'sdk', key: `default-chain@${filesKey(env)}`, label: 'the default credential chain' };
}

/** A profile whose credential_process gives the credentials. */
export function processRoot(profile: ProfileChoice, command: string, env: NodeJS.ProcessEnv): Root {
  return {
    kind: 'process',
    profile: profile.name,
    command,
    key: `profile:${profile.name}@${filesKey(env)}`,
    label: describeChoice(profile),
  };
}

/** The key variables as the root: stsenv signs with them itself, so nothing else the SDK knows of (AWS_PROFILE) can take their place. */
export function keysRoot(keys: Credentials): Root {
  return {
    kind: 'keys',
    credentials: keys,
    key: `env:${keys.accessKeyId}:${hashSecrets(keys)}`,
    label: `access key ${keys.accessKeyId} (from AWS_ACCESS_KEY_ID)`,
  };
}

/** A chain's root: keys read from the profile, the key variables (credential_source), or what the SDK resolves. */
export function chainRoot(root: RootSource, env: NodeJS.ProcessEnv): Root {
  switch (root.kind) {
    case 'static': {
      const credentials = {
        accessKeyId: root.accessKeyId,
        secretAccessKey: root.secretAccessKey,
        sessionToken: root.sessionToken,
      };
      return {
        kind: 'keys',
        credentials,
        key: `static:${root.profile}:${root.accessKeyId}:${hashSecrets(credentials)}`,
        label: `profile '${root.profile}' (access key ${root.accessKeyId})`,
      };
    }
    case 'environment': {
      const keys = envKeys(env);
      if (!keys) {
        throw usageError(
          `profile '${root.profile}' has credential_source = Environment but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set`,
          'set them, or use a source_profile',
        );
      }
      return {
        kind: 'keys',
        credentials: keys,
        key: `env:${keys.accessKeyId}:${hashSecrets(keys)}`,
        label: `access key ${keys.accessKeyId} (from AWS_ACCESS_KEY_ID, credential_source of profile '${root.profile}')`,
      };
    }
    case 'process':
      return processRoot({ name: root.profile, from: '--profile' }, root.command, env);
    case 'sdk':
      return sdkRoot({ name: root.profile, from: '--profile' }, env);
    case 'saml':
      return {
        kind: 'unsigned',
        key: `saml-profile:${root.profile}@${filesKey(env)}`,
        label: `the SAML assertion of profile '${root.profile}'`,
      };
    case 'keystore':
      return keystoreRoot(root.profile, root.accessKeyId);
  }
}

/** A profile's keys in the keystore: the cache key names the access key id, known without opening the keystore. */
export function keystoreRoot(profile: string, accessKeyId: string): Root {
  return {
    kind: 'keystore',
    profile,
    accessKeyId,
    key: `keystore:${profile}:${accessKeyId}`,
    label: `profile '${profile}' (access key ${accessKeyId}, in the keystore)`,
  };
}

/**
 * The credential_process of profile `default` when the SDK's default chain
 * would reach it, as it would: no key variables (the root would be them), and
 * no keys, web identity token file, SSO or role in that profile.
 * Looked at only when a request is to be signed, never on a cache hit.
 */
function defaultChainProcess(env: NodeJS.ProcessEnv): { profile: string; command: string } | undefined {
  let data: ProfileData | undefined;
  try {
    data = sharedConfig(env).profile('default');
  } catch {
    return undefined;
  }
  // The default chain asks SSO before it reads the profile's other settings.
  if (!data || data.role_arn || data.sso_session || data.sso_start_url) return undefined;
  const own = ownRoot('default', data);
  return own.kind === 'process' ? own : undefined;
}

/** Who signs with a root's credentials, a credential_process's run now. */
export async function rootSigner(root: Root, ctx: Context): Promise<Signer> {
  // A keystore root is unlocked first (unlockRoot): its keys are read only when a call is signed.
  if (root.kind === 'keystore') throw new Error(`internal: the keys of ${root.label} were not read before signing`);
  const command =
    root.kind === 'process'
      ? root
      : root.kind === 'sdk' && root.profile === undefined
        ? defaultChainProcess(ctx.env)
        : undefined;
  if (command) {
    const { processCredentials } = await import('./process-credentials.js');
    const credentials = await processCredentials(command, ctx);
    return {
      credentials,
      label: `${root.label} (credential_process of profile '${command.profile}', access key ${credentials.accessKeyId})`,
    };
  }
  return root.kind === 'sdk'
    ? { profile: root.profile, label: root.label }
    : root.kind === 'keys'
      ? { credentials: root.credentials, label: root.label }
      : { label: root.label };
}

/** Long-term keys can call GetSessionToken; session credentials cannot. */
export function isLongTerm(root: Root): boolean {
  // The keystore holds an access key id and its secret only: long-term keys.
  return root.kind === 'keystore' || (root.kind === 'keys' && !root.credentials.sessionToken);
}

/**
 * The steps for a role chain, MFA the way aws-vault does it: with long-term
 * root keys, one GetSessionToken with the code (cached for its lifetime),
 * then every AssumeRole signed by that session needs no code. Otherwise each
 * hop that names an mfa_serial sends the code with its AssumeRole.
 */
export function chainSteps(
  chain: ProfileChain,
  root: Root,
  mfaSerialOverride: string | undefined,
  sessionName: (hopSessionName: string | undefined) => { name: string; isDefault: boolean },
): Step[] {
  const steps: Step[] = [];
  const serialHop = chain.hops.find((hop) => hop.mfaSerial);
  const serial = mfaSerialOverride ?? serialHop?.mfaSerial;
  // The code comes from the mfa_process beside the mfa_serial used (or any hop's, for --mfa-serial).
  const processHop = (serialHop?.mfaProcess ? serialHop : undefined) ?? chain.hops.find((hop) => hop.mfaProcess);
  const mfaProcess = processHop ? { profile: processHop.profile, command: processHop.mfaProcess! } : undefined;
  const viaSession = serial !== undefined && isLongTerm(root);
  if (viaSession) {
    steps.push({
      operation: 'GetSessionToken',
      input: { DurationSeconds: MFA_SESSION_SECONDS },
      mfaSerial: serial,
      mfaProcess,
      describe: `MFA session of ${root.label}`,
    });
  }
  chain.hops.forEach((hop, index) => {
    if (hop.saml) {
      // Only a chain's first hop: a SAML profile has no source (src/config/profiles.ts).
      const input = {
        RoleArn: hop.roleArn,
        PrincipalArn: hop.saml.principalArn,
        DurationSeconds: hop.durationSeconds ?? 3600,
      };
      steps.push({
        operation: 'AssumeRoleWithSAML',
        input,
        assertion: { kind: 'process', profile: hop.profile, command: hop.saml.command },
        describe: `role ${hop.roleArn} (SAML, profile '${hop.profile}')`,
      });
      return;
    }
    const last = index === chain.hops.length - 1;
    const name = sessionName(hop.sessionName);
    const input: AssumeRoleCommandInput = {
      RoleArn: hop.roleArn,
      RoleSessionName: name.name,
      DurationSeconds: hop.durationSeconds ?? 3600,
    };
    if (hop.externalId) input.ExternalId = hop.externalId;
    const hopSerial = viaSession ? undefined : last && mfaSerialOverride ? mfaSerialOverride : hop.mfaSerial;
    const hopProcess = hop.mfaProcess ? { profile: hop.profile, command: hop.mfaProcess } : mfaProcess;
    steps.push({
      operation: 'AssumeRole',
      input,
      mfaSerial: hopSerial,
      mfaProcess: hopSerial ? hopProcess : undefined,
      defaultSessionName: name.isDefault,
      describe: `role ${hop.roleArn} (profile '${hop.profile}')`,
    });
  });
  return steps;
}

/**
 * What both role operations share in a cache key. A clock-made default
 * session name is left out, so that it does not defeat the cache.
 */
function roleRequest(step: Extract<Step, { operation: 'AssumeRole' | 'AssumeRoleWithWebIdentity' }>) {
  const i = step.input;
  return {
    operation: step.operation,
    roleArn: i.RoleArn,
    sessionName: step.defaultSessionName ? undefined : i.RoleSessionName,
    durationSeconds: i.DurationSeconds,
    policy: i.Policy,
    policyArns: i.PolicyArns?.map((p) => p.arn ?? ''),
  };
}

/** Everything about a step that changes STS's answer, for its cache key. */
export function stepRequest(step: Step, base: string, target: Pick<StsTarget, 'region' | 'endpoint'>): CacheRequest {
  const common = { base, region: target.region, endpoint: target.endpoint };
  switch (step.operation) {
    case 'GetSessionToken':
      // A session works in every region of its partition: one per partition, not per
      // region, so a second role in another region asks for no second MFA code. The
      // default endpoints (regional or global) are left out with the region; one the
      // user configured stays.
      return {
        base,
        partition: partitionOf(target.region),
        endpoint: target.endpoint === GLOBAL_ENDPOINT ? undefined : target.endpoint,
        operation: step.operation,
        durationSeconds: step.input.DurationSeconds,
        mfaSerial: step.mfaSerial,
      };
    case 'AssumeRole': {
      const i = step.input;
      return {
        ...common,
        ...roleRequest(step),
        externalId: i.ExternalId,
        tags: i.Tags?.map((t) => ({ Key: t.Key, Value: t.Value })),
        transitiveTagKeys: i.TransitiveTagKeys,
        sourceIdentity: i.SourceIdentity,
        mfaSerial: step.mfaSerial,
      };
    }
    case 'AssumeRoleWithWebIdentity': {
      const i = step.input;
      return {
        ...common,
        ...roleRequest(step),
        webIdentityTokenHash: sha256(i.WebIdentityToken ?? ''),
      };
    }
    case 'AssumeRoleWithSAML': {
      const i = step.input;
      const source = step.assertion;
      return {
        ...common,
        operation: step.operation,
        roleArn: i.RoleArn,
        principalArn: i.PrincipalArn,
        durationSeconds: i.DurationSeconds,
        policy: i.Policy,
        policyArns: i.PolicyArns?.map((p) => p.arn ?? ''),
        samlAssertionHash: source.kind === 'given' ? sha256(source.value) : undefined,
        samlAssertionProcess: source.kind === 'process' ? `${source.profile}\0${source.command}` : undefined,
      };
    }
  }
}

/** The cache key of every step, each built on the one before. */
export function planKeys(plan: Plan, target: Pick<StsTarget, 'region' | 'endpoint'>): string[] {
  const keys: string[] = [];
  let base = plan.root.key;
  for (const step of plan.steps) {
    base = cacheKey(stepRequest(step, base, target));
    keys.push(base);
  }
  return keys;
}

export function stepLabel(plan: Plan, index: number, region: string | undefined): CacheLabel {
  const step = plan.steps[index]!;
  const label: CacheLabel = {
    operation: step.operation,
    base: index === 0 ? plan.root.label : plan.steps[index - 1]!.describe,
    // A session is cached for its whole partition (stepRequest).
    region: step.operation === 'GetSessionToken' ? `partition ${partitionOf(region)}` : region,
  };
  if (step.operation !== 'GetSessionToken') label.role = step.input.RoleArn;
  if (step.operation === 'AssumeRole' || step.operation === 'AssumeRoleWithWebIdentity')
    label.sessionName = step.input.RoleSessionName;
  if ((step.operation === 'AssumeRole' || step.operation === 'GetSessionToken') && step.mfaSerial)
    label.mfaSerial = step.mfaSerial;
  return label;
}
