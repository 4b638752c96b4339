/**
 * From a request to a plan: which profile, whose credentials sign the first
 * call (the root), and each STS call after it. Reads the shared config files
 * when a profile is involved; talks to nobody.
 */
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { sharedConfig, type ProfileData, type SharedConfig } from '../config/shared-files.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { checkMfaSerial, checkRoleArn } from '../validate.js';
import { isRoleProfile, ownRoot, requireProfile, resolveChain, type ProfileChain } from '../config/profiles.js';
import { keystoreLookup } from './keystore-root.js';
import {
  chainRoot,
  chainSteps,
  envKeys,
  keysRoot,
  keystoreRoot,
  processRoot,
  sdkRoot,
  type MfaProcess,
  type Plan,
  type Root,
  type Step,
} from './plan.js';
import type { ProfileChoice } from './profile-choice.js';
import type {
  AssumeRoleRequest,
  ProfileCredentialsRequest,
  SamlRequest,
  SessionTokenRequest,
  WebIdentityRequest,
} from './request.js';
import { defaultSessionName } from './session-name.js';

type SessionNamer = (fromProfile: string | undefined) => { name: string; isDefault: boolean };

/** A hop's session name: the profile's role_session_name, else `stsenv-USER-TIME` (left out of cache keys). */
function sessionNamer(ctx: Context): SessionNamer {
  const now = ctx.now();
  return (fromProfile) =>
    fromProfile !== undefined
      ? { name: fromProfile, isDefault: false }
      : { name: defaultSessionName(ctx.env, now), isDefault: true };
}

/**
 * The chosen profile's data, when there is one: a --profile that does not
 * exist is an error, a profile named only by the environment may be one the
 * SDK knows of and the files do not (an SSO session, say).
 */
async function profileData(
  profile: ProfileChoice | undefined,
  ctx: Context,
): Promise<{ profiles: SharedConfig; data: ProfileData | undefined } | undefined> {
  if (!profile) return undefined;
  const profiles = sharedConfig(ctx.env);
  const keystore = keystoreLookup(ctx);
  const data =
    profile.from === '--profile'
      ? requireProfile(profiles, profile.name, '--profile', keystore)
      : (profiles.profile(profile.name) ?? (keystore(profile.name) !== undefined ? {} : undefined));
  return { profiles, data };
}

/** The chain of the chosen profile when it is a role profile. */
async function roleChain(profile: ProfileChoice | undefined, ctx: Context): Promise<ProfileChain | undefined> {
  const found = await profileData(profile, ctx);
  return found && isRoleProfile(found.data)
    ? resolveChain(found.profiles, profile!.name, keystoreLookup(ctx))
    : undefined;
}

/**
 * The profile whose credentials a request starts from, in the AWS CLI's
 * order (and boto3's, and the AWS documentation's): --profile, then the key
 * variables, then AWS_PROFILE (or AWS_DEFAULT_PROFILE), then the rest of the
 * default chain. undefined: the key variables or the default chain. (The
 * SDK for JavaScript lets AWS_PROFILE win over the keys, a deviation its
 * team keeps only for compatibility: aws/aws-sdk-js-v3#6277.) The region
 * still comes from the chosen profile, as in the AWS CLI.
 */
export function signingProfile(profile: ProfileChoice | undefined, ctx: Context): ProfileChoice | undefined {
  if (!profile || profile.from === '--profile') return profile;
  const keys = envKeys(ctx.env);
  if (!keys) return profile;
  ctx.debug(
    `base credentials: the key variables (access key ${keys.accessKeyId}), which come before ${profile.from}=${profile.name}, as in the AWS CLI`,
  );
  return undefined;
}

/**
 * The root when no role profile is involved: keys written in the profile
 * are read here, then keys in the keystore, which stand where keys in the
 * file would, then a credential_process is run by stsenv (as in a chain);
 * anything else the profile gives (SSO, web identity...) is the SDK's to
 * resolve; without a profile, the key variables, else the SDK's default
 * chain (whose `default` profile may have its keys in the keystore too).
 */
export async function baseRoot(profile: ProfileChoice | undefined, ctx: Context): Promise<Root> {
  const data = (await profileData(profile, ctx))?.data;
  if (data && !isRoleProfile(data)) {
    const own = ownRoot(profile!.name, data, keystoreLookup(ctx));
    if (own.kind === 'static') return chainRoot(own, ctx.env);
    if (own.kind === 'keystore') return keystoreRoot(own.profile, own.accessKeyId);
    if (own.kind === 'process') return processRoot(profile!, own.command, ctx.env);
  }
  const keys = profile ? undefined : envKeys(ctx.env);
  if (keys) return keysRoot(keys);
  if (!isRoleProfile(data)) {
    const name = profile?.name ?? 'default';
    const accessKeyId = await keystoreKeyId(profile, name, ctx);
    if (accessKeyId !== undefined) return keystoreRoot(name, accessKeyId);
  }
  return sdkRoot(profile, ctx.env);
}

/**
 * The keystore's access key id for `name`: a chosen profile asks the keystore
 * itself; without one (the default chain) the keystore's `default` answers
 * only where the SDK's chain would read the `default` profile's keys, that
 * is when `default` has neither keys nor a role in the files.
 */
async function keystoreKeyId(
  profile: ProfileChoice | undefined,
  name: string,
  ctx: Context,
): Promise<string | undefined> {
  // The index first: without keystore keys for this name, the shared files are not read for it.
  const accessKeyId = keystoreLookup(ctx)(name);
  if (accessKeyId === undefined || profile) return accessKeyId;
  const own = sharedConfig(ctx.env).profile('default');
  return own?.aws_access_key_id || isRoleProfile(own) ? undefined : accessKeyId;
}

/**
 * A second `assume` in a shell that holds an earlier one's credentials
 * assumes the next role with them: a role chain. That stays possible, but
 * is said, with the way back to one's own credentials.
 */
function noteRoleChain(root: Root, ctx: Context): void {
  const earlier = ctx.env.STSENV_ROLE_ARN?.trim();
  if (
    root.kind !== 'keys' ||
    !root.credentials.sessionToken ||
    !earlier ||
    root.credentials.accessKeyId !== envKeys(ctx.env)?.accessKeyId
  )
    return;
  // unset alone is no way back for keys the user had exported: the first assume replaced them.
  ctx.warn(
    `signing with the credentials of role ${earlier} that an earlier stsenv set in this shell (a role chain); ` +
      'to start from your own: --profile NAME, or stsenv unset (it leaves what your AWS config gives; keys you had exported were replaced: export them again, ' +
      'and keep them next time by running the role in a subshell or with stsenv exec ROLE -- COMMAND)',
  );
}

/**
 * The role ARN argument. A newcomer's `stsenv assume deploy` names a
 * profile: when the config has one by that name, --profile is suggested.
 */
async function roleArgument(value: string, ctx: Context): Promise<string> {
  try {
    return checkRoleArn(value);
  } catch (error) {
    if (value.startsWith('arn:')) throw error;
    let named = false;
    try {
      named = sharedConfig(ctx.env).profile(value) !== undefined;
    } catch {
      // An unreadable config file is the run's error elsewhere; here it only means no suggestion.
    }
    if (named) throw usageError(`'${value}' is a profile, not a role ARN`, `did you mean --profile ${value}?`);
    throw error;
  }
}

function hasMfa(plan: Plan): boolean {
  return plan.steps.some((step) => 'mfaSerial' in step && step.mfaSerial);
}

/**
 * `assume ROLE` signs with the chosen profile (a role profile's whole chain,
 * or whatever the SDK resolves for any other profile) or the default chain;
 * `assume --profile P` assumes P's own role with P's settings, flags
 * overriding them.
 */
export async function assumePlan(
  request: AssumeRoleRequest,
  profile: ProfileChoice | undefined,
  ctx: Context,
): Promise<Plan> {
  const { fields, mfa } = request;
  if (request.roleArn === undefined && profile?.from !== '--profile') {
    throw usageError('assume needs a <role-arn> argument', 'or --profile NAME of a role profile in your AWS config');
  }
  const roleArn = request.roleArn !== undefined ? await roleArgument(request.roleArn, ctx) : undefined;
  const signing = signingProfile(profile, ctx);
  const chain = await roleChain(signing, ctx);
  const sessionName = sessionNamer(ctx);
  let plan: Plan;
  if (roleArn === undefined) {
    if (!chain)
      throw usageError(
        `profile '${profile!.name}' is not a role profile (it has no role_arn)`,
        'pass the role ARN as the first argument',
      );
    const root = chainRoot(chain.root, ctx.env);
    const steps = chainSteps(chain, root, mfa.mfaSerial, sessionName);
    const final = steps[steps.length - 1]!;
    if (final.operation === 'AssumeRoleWithSAML') {
      const { DurationSeconds, Policy, PolicyArns, ...rest } = fields;
      const refused = Object.keys(rest)[0];
      if (refused)
        throw usageError(
          `profile '${profile!.name}' assumes its role with SAML, which takes no ${refused}`,
          'the SAML assertion gives the session name and tags',
        );
      final.input = {
        ...final.input,
        ...(DurationSeconds !== undefined ? { DurationSeconds } : {}),
        ...(Policy !== undefined ? { Policy } : {}),
        ...(PolicyArns ? { PolicyArns } : {}),
      };
    } else {
      const last = final as Extract<Step, { operation: 'AssumeRole' }>;
      last.input = { ...last.input, ...fields };
      if (fields.RoleSessionName !== undefined) last.defaultSessionName = false;
    }
    plan = { root, steps };
  } else {
    const root = chain ? chainRoot(chain.root, ctx.env) : await baseRoot(signing, ctx);
    if (!chain) noteRoleChain(root, ctx);
    const steps = chain ? chainSteps(chain, root, undefined, sessionName) : [];
    const name =
      fields.RoleSessionName !== undefined
        ? { name: fields.RoleSessionName, isDefault: false }
        : sessionName(undefined);
    const input: AssumeRoleCommandInput = {
      RoleArn: roleArn,
      DurationSeconds: 3600,
      ...fields,
      RoleSessionName: name.name,
    };
    steps.push({
      operation: 'AssumeRole',
      input,
      mfaSerial: mfa.mfaSerial,
      defaultSessionName: name.isDefault,
      describe: `role ${roleArn}`,
    });
    plan = { root, steps };
  }
  if (mfa.tokenCode !== undefined && !hasMfa(plan)) {
    throw usageError(
      '--token-code needs --mfa-serial',
      'pass --mfa-serial arn:aws:iam::123456789012:mfa/NAME (or set mfa_serial in the profile)',
    );
  }
  return plan;
}

/**
 * GetSessionToken for the chosen profile (its keys, and its mfa_serial when
 * no --mfa-serial is given) or the default chain. A role profile cannot be
 * the base: STS refuses GetSessionToken with role credentials.
 */
export async function sessionPlan(
  request: SessionTokenRequest,
  profile: ProfileChoice | undefined,
  ctx: Context,
): Promise<Plan> {
  let mfaSerial = request.mfa.mfaSerial;
  let mfaProcess: MfaProcess | undefined;
  const signing = signingProfile(profile, ctx);
  const data = (await profileData(signing, ctx))?.data;
  if (data) {
    const name = signing!.name;
    if (isRoleProfile(data) && signing!.from === '--profile') {
      throw usageError(
        `profile '${name}' is a role profile; GetSessionToken needs long-term keys`,
        `use stsenv assume --profile ${name}`,
      );
    }
    if (mfaSerial === undefined && data.mfa_serial && !isRoleProfile(data))
      mfaSerial = checkMfaSerial(data.mfa_serial, `mfa_serial in profile '${name}'`);
    if (data.mfa_process?.trim() && !isRoleProfile(data))
      mfaProcess = { profile: name, command: data.mfa_process.trim() };
  }
  const root = await baseRoot(signing, ctx);
  if (request.mfa.tokenCode !== undefined && mfaSerial === undefined) {
    throw usageError('--token-code needs --mfa-serial', 'pass --mfa-serial arn:aws:iam::123456789012:mfa/NAME');
  }
  return {
    root,
    steps: [
      {
        operation: 'GetSessionToken',
        input: { DurationSeconds: request.durationSeconds },
        mfaSerial,
        mfaProcess: mfaSerial ? mfaProcess : undefined,
        describe: `session of ${root.label}`,
      },
    ],
  };
}

/** AssumeRoleWithWebIdentity is unsigned: no base credentials are looked up. */
export function webIdentityPlan(request: WebIdentityRequest, ctx: Context): Plan {
  const explicitName = request.sessionName !== undefined;
  const input = {
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionName ?? defaultSessionName(ctx.env, ctx.now()),
    DurationSeconds: request.durationSeconds,
    WebIdentityToken: request.token,
  };
  return {
    root: { kind: 'unsigned', key: 'web-identity', label: 'the web identity token' },
    steps: [
      {
        operation: 'AssumeRoleWithWebIdentity',
        input,
        defaultSessionName: !explicitName,
        describe: `role ${input.RoleArn} (web identity)`,
      },
    ],
  };
}

/** AssumeRoleWithSAML is unsigned: the assertion is the identity; the session name is the assertion's. */
export function samlPlan(request: SamlRequest): Plan {
  const input = {
    RoleArn: request.roleArn,
    PrincipalArn: request.principalArn,
    DurationSeconds: request.durationSeconds,
    ...(request.policy !== undefined ? { Policy: request.policy } : {}),
    ...(request.policyArns?.length ? { PolicyArns: request.policyArns.map((arn) => ({ arn })) } : {}),
  };
  return {
    root: { kind: 'unsigned', key: 'saml', label: 'the SAML assertion' },
    steps: [
      {
        operation: 'AssumeRoleWithSAML',
        input,
        assertion: { kind: 'given', value: request.assertion },
        describe: `role ${request.roleArn} (SAML)`,
      },
    ],
  };
}

/**
 * What `export` prints: a role profile goes through stsenv's own chain
 * (cache, MFA prompt) and gives a plan; any other profile, or none, is what
 * the SDK resolves for it: a plan without steps.
 */
export async function profilePlan(
  request: ProfileCredentialsRequest,
  profile: ProfileChoice | undefined,
  ctx: Context,
): Promise<Plan> {
  const signing = signingProfile(profile, ctx);
  const chain = await roleChain(signing, ctx);
  if (!chain) return { root: await baseRoot(signing, ctx), steps: [] };
  const root = chainRoot(chain.root, ctx.env);
  return { root, steps: chainSteps(chain, root, request.mfa.mfaSerial, sessionNamer(ctx)) };
}
