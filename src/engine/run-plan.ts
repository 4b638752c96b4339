/**
 * Runs a plan: the newest cached answer wins, only the steps after it go to
 * STS, and any MFA code they need is asked for before the first request. A
 * cache hit on the last step returns without loading the AWS SDK.
 */
import type { StsTarget } from '../aws/client-options.js';
import type { IssuedCredentials, Reporter } from '../aws/sts.js';
import type { CachePolicy } from '../cache/options.js';
import type { Context } from '../context.js';
import { reporter } from '../commands/reporter.js';
import { StsenvError } from '../errors.js';
import type { PromptOptions } from '../mfa/prompt.js';
import { planKeys, stepLabel, type Plan, type Step } from './plan.js';

export type Issued = IssuedCredentials['credentials'];

export interface PlanResult {
  credentials: Issued;
  fromCache: boolean;
  arn?: string;
}

export async function runPlan(plan: Plan, target: StsTarget, policy: CachePolicy, prompt: PromptOptions, ctx: Context): Promise<PlanResult> {
  const keys = planKeys(plan, target);
  const last = plan.steps.length - 1;
  const now = ctx.now();
  let start = 0;
  let base: Issued | undefined;
  for (let i = last; i >= 0 && policy.cache; i--) {
    if (i === last && !policy.readFinal) continue;
    const hit = policy.cache.get(keys[i]!, now, policy.minRemainingMs);
    if (hit) {
      ctx.debug(`cache hit for ${describeStep(plan.steps[i]!)} (valid until ${hit.credentials.expiration.toISOString()})`);
      if (i === last) return { credentials: hit.credentials, fromCache: true };
      start = i + 1;
      base = hit.credentials;
      break;
    }
  }

  // Codes first: a person answers once, before anything is sent.
  const codes = new Map<number, string>();
  if (plan.steps.slice(start).some((step) => 'mfaSerial' in step && step.mfaSerial)) {
    const { tokenCodeFor } = await import('../mfa/prompt.js');
    let tokenCodeUsed = false;
    for (let i = start; i <= last; i++) {
      const step = plan.steps[i]!;
      const serial = 'mfaSerial' in step ? step.mfaSerial : undefined;
      if (!serial) continue;
      // A code works once: a second step needing one must be asked for it.
      codes.set(i, tokenCodeFor(serial, tokenCodeUsed ? { ...prompt, tokenCode: undefined } : prompt, ctx.platform));
      tokenCodeUsed = true;
    }
  }

  const sts = await import('../aws/sts.js');
  const report = reporter(ctx);
  let result: PlanResult | undefined;
  for (let i = start; i <= last; i++) {
    const step = plan.steps[i]!;
    const stepTarget: StsTarget = { ...target };
    if (i === 0 || !base) {
      stepTarget.profile = plan.root.kind === 'sdk' ? plan.root.profile : undefined;
      stepTarget.credentials = plan.root.kind === 'keys' ? plan.root.credentials : undefined;
      stepTarget.identityLabel = plan.root.label;
    } else {
      stepTarget.profile = undefined;
      stepTarget.credentials = base;
      stepTarget.identityLabel = `${plan.steps[i - 1]!.describe} (access key ${base.accessKeyId})`;
    }
    const code = codes.get(i);
    let issued: IssuedCredentials;
    try {
      issued = await callStep(sts, step, stepTarget, report, code, ctx.now());
    } catch (error) {
      throw code !== undefined ? explainMfaFailure(error) : error;
    }
    policy.cache?.put(keys[i]!, { credentials: issued.credentials, label: stepLabel(plan, i, target.regionKnown ? target.region : undefined) }, ctx.now());
    base = issued.credentials;
    result = { credentials: issued.credentials, fromCache: false, arn: issued.arn };
  }
  return result!;
}

/** AccessDenied on a request that carried a code is most often the code: say so. */
function explainMfaFailure(error: unknown): unknown {
  if (!(error instanceof StsenvError) || error.code !== 'AccessDenied') return error;
  return new StsenvError(error.message, error.exitCode, {
    cause: error.cause,
    code: error.code,
    hint: 'the MFA code was refused or the role needs other rights: wait for a new code, check the MFA serial, and try again',
  });
}

function describeStep(step: Step): string {
  return step.operation === 'GetSessionToken' ? step.describe : `${step.operation} ${step.input.RoleArn}`;
}

type StsModule = typeof import('../aws/sts.js');

function callStep(sts: StsModule, step: Step, target: StsTarget, report: Reporter, code: string | undefined, now: Date): Promise<IssuedCredentials> {
  const mfa = code !== undefined && 'mfaSerial' in step && step.mfaSerial ? { SerialNumber: step.mfaSerial, TokenCode: code } : {};
  switch (step.operation) {
    case 'AssumeRole':
      return sts.assumeRole(target, report, { ...step.input, ...mfa }, now);
    case 'GetSessionToken':
      return sts.getSessionToken(target, report, { ...step.input, ...mfa }, now);
    case 'AssumeRoleWithWebIdentity':
      return sts.assumeRoleWithWebIdentity(target, report, step.input, now);
  }
}
