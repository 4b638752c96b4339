/**
 * Where credentials go at the end of a command: the format is chosen once,
 * before any request (so a bad --shell costs nothing), then the answer is
 * rendered whole and written once, to stdout or into the shared credentials
 * file (--write-profile). A value the format refuses throws before stdout
 * or the file sees a byte.
 */
import type { ProfileData } from './config/shared-files.js';
import type { Context } from './context.js';
import { isoSeconds, type CredentialOutput, type Credentials } from './credentials.js';
import { usageError } from './errors.js';
import { detectShell, readLinuxProcessName } from './shells/detect.js';
import { findFormat, FORMAT_NAMES, type Format } from './shells/index.js';
import { iniSectionRefusal } from './shells/ini.js';
import { renderCredentials, renderUnset } from './shells/render.js';
import { credentialEnv, regionIsUsers } from './variables.js';

/** What a command that prints credentials was asked for. */
export interface DeliveryOptions {
  /** --shell. */
  shell?: string;
  /** --profile-name: the section name for --shell ini. */
  profileName?: string;
  /** --write-profile. */
  writeProfile?: string;
  /** --force: write even over a profile the config gives another kind. */
  force?: boolean;
}

export const DEFAULT_INI_PROFILE = 'stsenv';

/** Where this run's credentials go, decided before any request. */
export interface Delivery {
  /** The format for stdout; none with --write-profile alone. */
  format?: Format;
  /** The ini section name. */
  profileName: string;
  writeProfile?: string;
  /** Why the format is a guess (no shell was seen running stsenv): then only values every shell reads alike are printed. */
  guess?: string;
}

/** --shell, or the shell stsenv is running under, and whether that is a guess. */
function chooseReader(shell: string | undefined, ctx: Context): { format: Format; guess?: string } {
  if (shell !== undefined) return { format: findFormat(shell) };
  const detected = detectShell({
    env: ctx.env,
    platform: ctx.platform,
    parentPid: ctx.parentPid,
    processName: readLinuxProcessName,
  });
  try {
    return { format: findFormat(detected.format), guess: detected.guess };
  } catch {
    throw usageError(
      `STSENV_SHELL names an unknown format '${detected.format}'`,
      `choose one of: ${FORMAT_NAMES.join(', ')}`,
    );
  }
}

/** --shell, or the shell stsenv is running under. */
export function chooseFormat(shell: string | undefined, ctx: Context): Format {
  return chooseReader(shell, ctx).format;
}

/**
 * Characters that every shell's line reads as themselves, quoted or not:
 * what STS sends (base64, ISO dates), regions and ARNs. Anything else could
 * end a quote or start a substitution in a shell other than the guessed one
 * (fish's \' in bash, a JSON line's $(...) in bash, POSIX's '\'' in fish).
 */
const SAFE_IN_EVERY_SHELL = /^[A-Za-z0-9+/=._:,@-]*$/;

/** With a guessed reader, a value some shell would read differently is refused, naming the variable only. */
function checkSafeForAnyShell(output: Parameters<typeof credentialEnv>[0], guess: string): void {
  for (const [name, value] of credentialEnv(output).set) {
    if (SAFE_IN_EVERY_SHELL.test(value)) continue;
    throw usageError(
      `cannot write ${name}: no shell was seen running stsenv (${guess}), and its value holds characters another shell would read differently`,
      'pass --shell NAME for the shell that reads the output (or set STSENV_SHELL)',
    );
  }
}

/** A --write-profile name that the SDKs read back as the same section, and that is usable in --profile. */
export function checkProfileName(name: string): string {
  const why =
    iniSectionRefusal(name) ??
    (/^[\w.@+=,:/-]{1,128}$/.test(name) ? undefined : 'use up to 128 letters, digits and _.@+=,:/-');
  if (why) throw usageError(`invalid --write-profile '${name}'`, why);
  return name;
}

/** What makes a profile another kind than plain keys, as the AWS CLI reads it. */
const OTHER_KINDS: ReadonlyArray<[key: string, kind: string]> = [
  ['role_arn', 'a role profile (role_arn)'],
  ['sso_session', 'an SSO profile (sso_session)'],
  ['sso_start_url', 'an SSO profile (sso_start_url)'],
  ['sso_account_id', 'an SSO profile (sso_account_id)'],
  ['credential_process', 'a credential_process profile'],
  ['web_identity_token_file', 'a web identity profile (web_identity_token_file)'],
];

/**
 * Keys written into a profile that the config file makes a role (or SSO,
 * or credential_process) profile are not what the AWS CLI then uses: it
 * merges the two and takes the role, asking for its MFA. Refused unless --force.
 */
async function refuseProfileClash(name: string, ctx: Context): Promise<void> {
  const { sharedConfig } = await import('./config/shared-files.js');
  let data: ProfileData | undefined;
  try {
    data = sharedConfig(ctx.env).profile(name);
  } catch {
    // Files that cannot be read tell nothing of a clash: the writer's own checks decide about the file it writes.
    return;
  }
  const clash = data && OTHER_KINDS.find(([key]) => data[key]);
  if (clash) {
    throw usageError(
      `--write-profile ${name}: profile '${name}' is ${clash[1]} in your AWS config; the AWS CLI would merge the written keys into it and use the role (or SSO) instead`,
      `choose another name, such as --write-profile ${name}-keys, or add --force to write it anyway`,
    );
  }
}

/**
 * Everything about where the credentials will go that can be wrong, checked
 * before any request: the --write-profile name, and the format when stdout
 * gets one.
 */
export async function planDelivery(options: DeliveryOptions, ctx: Context): Promise<Delivery> {
  if (options.writeProfile !== undefined) {
    checkProfileName(options.writeProfile);
    if (!options.force) await refuseProfileClash(options.writeProfile, ctx);
  }
  const toStdout = options.writeProfile === undefined || options.shell !== undefined;
  const reader = toStdout ? chooseReader(options.shell, ctx) : undefined;
  return {
    format: reader?.format,
    guess: reader?.guess,
    profileName: options.profileName ?? DEFAULT_INI_PROFILE,
    writeProfile: options.writeProfile,
  };
}

/**
 * With --write-profile: the credentials file first, a note on stderr, then
 * stdout only if --shell was asked for too. Everything that can be refused
 * is rendered before the file is touched.
 */
export async function deliver(
  delivery: Delivery,
  result: { credentials: Credentials; region?: string; roleArn?: string; recorded?: CredentialOutput['recorded'] },
  ctx: Context,
): Promise<void> {
  const output = { ...result, profileName: delivery.profileName, regionIsUsers: regionIsUsers(result.region, ctx.env) };
  if (delivery.guess !== undefined && delivery.format?.kind === 'env') checkSafeForAnyShell(output, delivery.guess);
  const text = delivery.format ? renderCredentials(delivery.format, output) : undefined;
  const { credentials } = result;
  if (delivery.writeProfile !== undefined) {
    // Loaded only here: the writer (and node:os) would cost every other run its load.
    const { writeProfile } = await import('./config/credentials-file.js');
    const file = await writeProfile(delivery.writeProfile, credentials, ctx);
    const until = credentials.expiration ? ` until ${isoSeconds(credentials.expiration)}` : '';
    ctx.stderr.write(
      `stsenv: wrote profile '${delivery.writeProfile}' to ${file}${until}; use it with --profile ${delivery.writeProfile} or AWS_PROFILE=${delivery.writeProfile}\n`,
    );
  }
  if (text !== undefined) writeForShell(text, delivery.format!, ctx);
}

/** The lines that undo everything stsenv sets, in the chosen format. */
export function deliverUnset(shell: string | undefined, ctx: Context): void {
  ctx.stdout.write(renderUnset(chooseFormat(shell, ctx), ctx.env));
}

function writeForShell(text: string, format: Format, ctx: Context): void {
  ctx.stdout.write(text);
  if (ctx.stdout.isTTY && format.kind === 'env') {
    ctx.stderr.write(
      `stsenv: these lines change nothing until your shell runs them: eval "$(stsenv ...)" (see stsenv init --help)\n`,
    );
  }
}
