/**
 * From a request to a plan (plan.ts): the root whose credentials sign the
 * first call, then each STS call after it. Read from the top: the plan of
 * each kind of request, then whose profile signs, then the roots, then the
 * steps of a role chain. It reads the shared config files and the
 * keystore's index when a profile is involved, and talks to nobody. The
 * request's values were checked by the command that made it; what the
 * files say is checked where it is read (here and in config/profiles.ts).
 */
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { sha256 } from '../cache/key.js';
import {
  isRoleProfile,
  ownRoot,
  requireProfile,
  resolveChain,
  type KeystoreLookup,
  type ProfileChain,
  type RootSource,
} from '../config/profiles.js';
import {
  configFilePath,
  credentialsFilePath,
  sharedConfig,
  type ProfileData,
  type SharedConfig,
} from '../config/shared-files.js';
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { usageError } from '../errors.js';
import { keystoreEntry } from '../keystore/index-file.js';
import { checkMfaSerial } from '../validate.js';
import type { MfaProcess, Plan, Root, Step } from './plan.js';
import { describeChoice, type ProfileChoice } from './profile-choice.js';
import type {
  AssumeRoleRequest,
  CredentialRequest,
  MfaRequest,
  ProfileCredentialsRequest,
  SamlRequest,
  SessionTokenRequest,
  WebIdentityRequest,
} from './request.js';
import { defaultSessionName } from './session-name.js';

// ---- The plan of each request

/** The plan of `request`, from the profile chosen for it (chooseProfile), if any. */
export function buildPlan(request: CredentialRequest, profile: ProfileChoice | undefined, ctx: Context): Plan {
  switch (request.kind) {
    case 'assume-role':
      return assumePlan(request, profile, ctx);
    case 'session-token':
      return sessionPlan(request, profile, ctx);
    case 'web-identity':
      return webIdentityPlan(request, ctx);
    case 'saml':
      return samlPlan(request);
    case 'profile':
      return profilePlan(request, profile, ctx);
  }
}

/**
 * `assume ROLE` assumes ROLE with the credentials of the chosen profile (a
 * role profile's whole chain, or whatever the SDK resolves for any other
 * profile) or of the default chain; `assume --profile P` assumes P's own
 * role. AWS_PROFILE chooses the credentials, never a role to assume.
 */
export function assumePlan(request: AssumeRoleRequest, profile: ProfileChoice | undefined, ctx: Context): Plan {
  if (request.roleArn !== undefined) return rolePlan(request, request.roleArn, signingProfile(profile, ctx), ctx);
  if (profile?.from !== '--profile') {
    throw usageError('assume needs a <role-arn> argument', 'or --profile NAME of a role profile in your AWS config');
  }
  const plan = profileRolePlan(request, profile, ctx);
  if (!plan)
    throw usageError(
      `profile '${profile.name}' is not a role profile (it has no role_arn)`,
      'pass the role ARN as the first argument',
    );
  return plan;
}

/** `roleArn` assumed with what `signing` gives: after its own role chain when it is a role profile. */
function rolePlan(request: AssumeRoleRequest, roleArn: string, signing: ProfileChoice | undefined, ctx: Context): Plan {
  const { fields, mfa } = request;
  const chain = roleChain(signing, ctx);
  const sessionName = sessionNamer(ctx);
  const root = chain ? chainRoot(chain.root, ctx.env) : baseRoot(signing, ctx);
  if (!chain) noteRoleChain(root, ctx);
  const steps = chain ? chainSteps(chain, root, undefined, sessionName) : [];
  const name =
    fields.RoleSessionName !== undefined ? { name: fields.RoleSessionName, isDefault: false } : sessionName(undefined);
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
  return codeHasSerial({ root, steps }, mfa);
}

/**
 * The role of `profile` with the profile's settings, the request's fields
 * overriding them; undefined when it is no role profile. `assume --profile`
 * asks for it, and the console's sign-in for a role profile however chosen.
 */
export function profileRolePlan(request: AssumeRoleRequest, profile: ProfileChoice, ctx: Context): Plan | undefined {
  const { fields, mfa } = request;
  const chain = roleChain(profile, ctx);
  if (!chain) return undefined;
  const root = chainRoot(chain.root, ctx.env);
  const steps = chainSteps(chain, root, mfa.mfaSerial, sessionNamer(ctx));
  const final = steps[steps.length - 1]!;
  if (final.operation === 'AssumeRoleWithSAML') {
    const { DurationSeconds, Policy, PolicyArns, ...rest } = fields;
    const refused = Object.keys(rest)[0];
    if (refused)
      throw usageError(
        `profile '${profile.name}' assumes its role with SAML, which takes no ${refused}`,
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
  return codeHasSerial({ root, steps }, mfa);
}

/** --token-code goes with an MFA device: a plan that names none has nowhere to send it. */
function codeHasSerial(plan: Plan, mfa: MfaRequest): Plan {
  if (mfa.tokenCode !== undefined && !plan.steps.some((step) => 'mfaSerial' in step && step.mfaSerial)) {
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
export function sessionPlan(request: SessionTokenRequest, profile: ProfileChoice | undefined, ctx: Context): Plan {
  let mfaSerial = request.mfa.mfaSerial;
  let mfaProcess: MfaProcess | undefined;
  const signing = signingProfile(profile, ctx);
  const data = profileData(signing, ctx)?.data;
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
  const root = baseRoot(signing, ctx);
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
 * What `export` prints and `whoami` asks about: a role profile goes through
 * stsenv's own chain (cache, MFA prompt); any other profile, or none, is
 * what the SDK resolves for it, a plan without steps, for which an MFA
 * device means nothing.
 */
export function profilePlan(
  request: ProfileCredentialsRequest,
  profile: ProfileChoice | undefined,
  ctx: Context,
): Plan {
  const signing = signingProfile(profile, ctx);
  const chain = roleChain(signing, ctx);
  if (chain) {
    const root = chainRoot(chain.root, ctx.env);
    return { root, steps: chainSteps(chain, root, request.mfa.mfaSerial, sessionNamer(ctx)) };
  }
  const root = baseRoot(signing, ctx);
  if (request.mfa.mfaSerial !== undefined || request.mfa.tokenCode !== undefined) {
    throw usageError(
      '--mfa-serial and --token-code apply to role profiles only',
      'for an MFA session use stsenv session',
    );
  }
  return { root, steps: [] };
}

// ---- Whose profile signs

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

/** The chain of `profile` when it is a role profile. */
function roleChain(profile: ProfileChoice | undefined, ctx: Context): ProfileChain | undefined {
  const found = profileData(profile, ctx);
  return found && isRoleProfile(found.data)
    ? resolveChain(found.profiles, profile!.name, keystoreLookup(ctx))
    : undefined;
}

/**
 * The chosen profile's data, when there is one: a --profile that does not
 * exist is an error, a profile named only by the environment may be one the
 * SDK knows of and the files do not (an SSO session, say).
 */
function profileData(
  profile: ProfileChoice | undefined,
  ctx: Context,
): { profiles: SharedConfig; data: ProfileData | undefined } | undefined {
  if (!profile) return undefined;
  const profiles = sharedConfig(ctx.env);
  const keystore = keystoreLookup(ctx);
  const data =
    profile.from === '--profile'
      ? requireProfile(profiles, profile.name, '--profile', keystore)
      : (profiles.profile(profile.name) ?? (keystore(profile.name) !== undefined ? {} : undefined));
  return { profiles, data };
}

/** The access key id of a profile's keys in the keystore, from its index (no secret, no native code). */
function keystoreLookup(ctx: Context): KeystoreLookup {
  return (profile) => keystoreEntry(ctx.env, ctx.local, profile)?.accessKeyId;
}

// ---- The root: whose credentials sign the first call

/**
 * The root when no role profile is involved: keys written in the profile
 * are read here, then keys in the keystore, which stand where keys in the
 * file would, then a credential_process is run by stsenv (as in a chain);
 * anything else the profile gives (SSO, web identity...) is the SDK's to
 * resolve; without a profile, the key variables, else the SDK's default
 * chain (whose `default` profile may have its keys in the keystore too).
 */
export function baseRoot(profile: ProfileChoice | undefined, ctx: Context): Root {
  const data = profileData(profile, ctx)?.data;
  if (profile && data && !isRoleProfile(data)) {
    const own = ownRoot(profile.name, data, keystoreLookup(ctx));
    if (own.kind === 'static') return chainRoot(own, ctx.env);
    if (own.kind === 'keystore') return keystoreRoot(own.profile, own.accessKeyId);
    if (own.kind === 'process') return processRoot(profile.name, own.command, describeChoice(profile), ctx.env);
  }
  const keys = profile ? undefined : envKeys(ctx.env);
  if (keys) return keysRoot(keys);
  if (!isRoleProfile(data)) {
    const name = profile?.name ?? 'default';
    const accessKeyId = keystoreKeyId(profile, name, ctx);
    if (accessKeyId !== undefined) return keystoreRoot(name, accessKeyId);
  }
  return profile ? sdkRoot(profile.name, describeChoice(profile), ctx.env) : defaultChainRoot(ctx.env);
}

/**
 * The keystore's access key id for `name`: a chosen profile asks the keystore
 * itself; without one (the default chain) the keystore's `default` answers
 * only where the SDK's chain would read the `default` profile's keys, that
 * is when `default` has neither keys nor a role in the files.
 */
function keystoreKeyId(profile: ProfileChoice | undefined, name: string, ctx: Context): string | undefined {
  // The index first: without keystore keys for this name, the shared files are not read for it.
  const accessKeyId = keystoreLookup(ctx)(name);
  if (accessKeyId === undefined || profile) return accessKeyId;
  const own = sharedConfig(ctx.env).profile('default');
  return own?.aws_access_key_id || isRoleProfile(own) ? undefined : accessKeyId;
}

/** A chain's root: keys read from the profile, the key variables (credential_source), or what the SDK resolves. */
function chainRoot(root: RootSource, env: NodeJS.ProcessEnv): Root {
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
      return processRoot(root.profile, root.command, `profile '${root.profile}'`, env);
    case 'sdk':
      return sdkRoot(root.profile, `profile '${root.profile}'`, env);
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

/** The key variables as the root: stsenv signs with them itself, so nothing else the SDK knows of (AWS_PROFILE) can take their place. */
function keysRoot(keys: Credentials): Root {
  return {
    kind: 'keys',
    credentials: keys,
    key: `env:${keys.accessKeyId}:${hashSecrets(keys)}`,
    label: `access key ${keys.accessKeyId} (from AWS_ACCESS_KEY_ID)`,
  };
}

/** A profile's keys in the keystore: the cache key names the access key id, known without opening the keystore. */
function keystoreRoot(profile: string, accessKeyId: string): Root {
  return {
    kind: 'keystore',
    profile,
    accessKeyId,
    key: `keystore:${profile}:${accessKeyId}`,
    label: `profile '${profile}' (access key ${accessKeyId}, in the keystore)`,
  };
}

/** A profile whose credential_process gives the credentials: the key and label the SDK's root for it had. */
function processRoot(profile: string, command: string, label: string, env: NodeJS.ProcessEnv): Root {
  return { kind: 'process', profile, command, key: `profile:${profile}@${filesKey(env)}`, label };
}

/** What the SDK resolves for a profile: SSO, web identity, login... */
function sdkRoot(profile: string, label: string, env: NodeJS.ProcessEnv): Root {
  return { kind: 'sdk', profile, key: `profile:${profile}@${filesKey(env)}`, label };
}

/** Without a profile, what the SDK's default chain resolves. */
function defaultChainRoot(env: NodeJS.ProcessEnv): Root {
  return { kind: 'sdk', key: `default-chain@${filesKey(env)}`, label: 'the default credential chain' };
}

/** The AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN variables, when both keys are set. */
export function envKeys(env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN?.trim() || undefined };
}

function hashSecrets(credentials: { secretAccessKey: string; sessionToken?: string }): string {
  return sha256(`${credentials.secretAccessKey}\0${credentials.sessionToken ?? ''}`);
}

function filesKey(env: NodeJS.ProcessEnv): string {
  return `${configFilePath(env)}|${credentialsFilePath(env)}`;
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

// ---- The steps of a role chain

/** A session made with the MFA code lasts this long, so the code is asked for rarely (as `stsenv session`). */
const MFA_SESSION_SECONDS = 43_200;

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
 * The steps for a role chain, MFA the way aws-vault does it: with long-term
 * root keys, one GetSessionToken with the code (cached for its lifetime),
 * then every AssumeRole signed by that session needs no code. Otherwise each
 * hop that names an mfa_serial sends the code with its AssumeRole.
 */
function chainSteps(
  chain: ProfileChain,
  root: Root,
  mfaSerialOverride: string | undefined,
  sessionName: SessionNamer,
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

/** Long-term keys can call GetSessionToken; session credentials cannot. */
function isLongTerm(root: Root): boolean {
  // The keystore holds an access key id and its secret only: long-term keys.
  return root.kind === 'keystore' || (root.kind === 'keys' && !root.credentials.sessionToken);
}
