/**
 * A plan is what stsenv will ask STS for, in order: the root that signs the
 * first request, then each request signed by the answer to the one before
 * (build-plan.ts makes it, run-plan.ts runs it). Every step has a cache key
 * computed from the plan alone, so the last step's key can be looked up
 * without loading the AWS SDK or resolving any credentials.
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
import type { Credentials } from '../credentials.js';

export type Root =
  /** The SDK resolves the credentials of `profile`, or its default chain when undefined. */
  | { kind: 'sdk'; profile?: string; key: string; label: string }
  | { kind: 'keys'; credentials: Credentials; key: string; label: string }
  /** Long-term keys in the keystore: read only when a call must be signed with them (unlockRoot), never for a cache hit. */
  | { kind: 'keystore'; profile: string; accessKeyId: string; key: string; label: string }
  /** The credentials a profile's credential_process prints, run by stsenv when they are needed (never cached). */
  | ProcessRoot
  /** AssumeRoleWithWebIdentity and AssumeRoleWithSAML are not signed. */
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
