/**
 * Runs a plan: the newest cached answer wins, only the steps after it go to
 * STS, and any MFA code they need is asked for before the first request. A
 * cache hit on the last step returns without loading the AWS SDK.
 */
import { isoSeconds } from '../credentials.js';
import { checkSsoCacheForSdk } from '../sso/cache-folder.js';
import type { StsTarget } from '../aws/client-options.js';
import type { IssuedCredentials, StsService } from '../aws/sts.js';
import type { Context } from '../context.js';
import { hintAccessDenied } from '../errors.js';
import type { CachePolicy } from './cache-policy.js';
import { planKeys, stepLabel, type Plan, type SamlAssertion, type Step } from './plan.js';
import type { MfaRequest } from './request.js';
import { rootSigner, unlockRoot } from './root-signer.js';
import { targetFor, type Signer, type StsConnection } from './target.js';

export type Issued = IssuedCredentials['credentials'];

/** An identity provider's sign-in may wait for a person (a push to approve): minutes, not seconds. */
const SAML_PROCESS_TIMEOUT_MS = 5 * 60_000;

export interface PlanResult {
  credentials: Issued;
  fromCache: boolean;
  arn?: string;
}

export async function runPlan(
  plan: Plan,
  connection: StsConnection,
  policy: CachePolicy,
  mfa: MfaRequest,
  ctx: Context,
): Promise<PlanResult> {
  const keys = planKeys(plan, connection);
  const last = plan.steps.length - 1;
  const now = ctx.now();
  let start = 0;
  let base: Issued | undefined;
  for (let i = last; i >= 0 && policy.cache; i--) {
    if (i === last && !policy.readFinal) continue;
    const hit = policy.cache.get(keys[i]!, now, policy.minRemainingMs);
    if (hit) {
      ctx.debug(
        `cache hit for ${describeStep(plan.steps[i]!)} (valid until ${isoSeconds(hit.credentials.expiration)})`,
      );
      if (i === last) return { credentials: hit.credentials, fromCache: true };
      start = i + 1;
      base = hit.credentials;
      break;
    }
  }

  // The keystore is opened only now, when its keys must sign the first call (a passphrase before any MFA code, whose time runs).
  const root = start === 0 ? await unlockRoot(plan.root, ctx) : plan.root;

  // Codes first: a person answers once, before anything is sent.
  const codes = new Map<number, string>();
  if (plan.steps.slice(start).some((step) => 'mfaSerial' in step && step.mfaSerial)) {
    const { tokenCodeFor, tokenCodeFromProcess } = await import('../mfa/prompt.js');
    let tokenCodeUsed = false;
    for (let i = start; i <= last; i++) {
      const step = plan.steps[i]!;
      if (step.operation !== 'AssumeRole' && step.operation !== 'GetSessionToken') continue;
      const serial = step.mfaSerial;
      if (!serial) continue;
      // A code works once: a second step needing one must be asked for it.
      const given = tokenCodeUsed ? { ...mfa, tokenCode: undefined } : mfa;
      // --token-code, else the profile's mfa_process, else the terminal.
      const code =
        given.tokenCode === undefined && step.mfaProcess
          ? await tokenCodeFromProcess(step.mfaProcess, ctx)
          : tokenCodeFor(serial, { ...given, processHint: step.mfaProcess === undefined }, ctx.platform);
      codes.set(i, code);
      tokenCodeUsed = true;
    }
  }

  const sts = await ctx.sts();
  // The SDK reads the SSO cache itself for an SSO profile, and would take another user's token without a word.
  if (start === 0 && plan.root.kind === 'sdk') checkSsoCacheForSdk(ctx.env, ctx.local);
  let result: PlanResult | undefined;
  for (let i = start; i <= last; i++) {
    const step = plan.steps[i]!;
    // The root signs the first call; each call after it, the credentials the one before gave.
    const signer: Signer =
      i === 0 || !base
        ? await rootSigner(root, ctx)
        : { credentials: base, label: `${plan.steps[i - 1]!.describe} (access key ${base.accessKeyId})` };
    const stepTarget = targetFor(connection, signer);
    const code = codes.get(i);
    const assertion = step.operation === 'AssumeRoleWithSAML' ? await samlAssertion(step.assertion, ctx) : undefined;
    let issued: IssuedCredentials;
    try {
      issued = await callStep(sts, step, stepTarget, code, assertion, ctx.now());
    } catch (error) {
      throw code !== undefined ? explainMfaFailure(error) : error;
    }
    policy.cache?.put(
      keys[i]!,
      {
        credentials: issued.credentials,
        label: stepLabel(plan, i, connection.regionKnown ? connection.region : undefined),
      },
      ctx.now(),
    );
    base = issued.credentials;
    result = { credentials: issued.credentials, fromCache: false, arn: issued.arn };
  }
  return result!;
}

/** AccessDenied on a request that carried a code is most often the code: say so. */
function explainMfaFailure(error: unknown): unknown {
  return hintAccessDenied(
    error,
    'the MFA code was refused or the role needs other rights: wait for a new code, check the MFA serial, and try again',
  );
}

/** The assertion given, or the one a profile's saml_assertion_process prints now (checked before it goes to STS). */
async function samlAssertion(source: SamlAssertion, ctx: Context): Promise<string> {
  if (source.kind === 'given') return source.value;
  const { runHelperCommand } = await import('../exec/helper-command.js');
  const printed = await runHelperCommand(source.command, {
    what: `saml_assertion_process of profile '${source.profile}'`,
    timeoutMs: SAML_PROCESS_TIMEOUT_MS,
    ctx,
  });
  const { readSamlAssertion } = await import('../saml/assertion.js');
  return readSamlAssertion(printed, `the output of saml_assertion_process of profile '${source.profile}'`).base64;
}

function describeStep(step: Step): string {
  return step.operation === 'GetSessionToken' ? step.describe : `${step.operation} ${step.input.RoleArn}`;
}

function callStep(
  sts: StsService,
  step: Step,
  target: StsTarget,
  code: string | undefined,
  assertion: string | undefined,
  now: Date,
): Promise<IssuedCredentials> {
  const mfa =
    code !== undefined && 'mfaSerial' in step && step.mfaSerial
      ? { SerialNumber: step.mfaSerial, TokenCode: code }
      : {};
  switch (step.operation) {
    case 'AssumeRole':
      return sts.assumeRole(target, { ...step.input, ...mfa }, now);
    case 'GetSessionToken':
      return sts.getSessionToken(target, { ...step.input, ...mfa }, now);
    case 'AssumeRoleWithWebIdentity':
      return sts.assumeRoleWithWebIdentity(target, step.input, now);
    case 'AssumeRoleWithSAML':
      return sts.assumeRoleWithSAML(target, { ...step.input, SAMLAssertion: assertion! }, now);
  }
}
