/**
 * What `stsenv doctor` reads from this machine alone: the runtime, where
 * credentials are kept and who may read them, whether the shell
 * integration ran this, and which credentials would sign a request now, in
 * the order the engine takes them (src/engine/build-plan.ts: the key
 * variables, then AWS_PROFILE, then the default chain).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirectory } from '../cache/folder.js';
import type { Profiles } from '../config/shared-files.js';
import type { Context } from '../context.js';
import { chooseProfile, envKeys, isRoleProfile } from '../engine/index.js';
import { note, ok, problem, type Finding } from './findings.js';

declare const STSENV_VERSION: string | undefined;

export function runtimeFinding(ctx: Context): Finding {
  const node = ctx.runtime?.node ?? 'v0';
  const [major = 0, minor = 0] = node.replace(/^v/, '').split('.').map(Number);
  const text = `Node.js ${node} on ${ctx.platform}/${ctx.runtime?.arch ?? '?'}, stsenv ${typeof STSENV_VERSION === 'string' ? STSENV_VERSION : 'development'}`;
  return major > 20 || (major === 20 && minor >= 19)
    ? ok('runtime', text)
    : problem('runtime', `${text}: stsenv needs Node.js 20.19 or later`);
}

/** The cache folder (the only store of credentials stsenv keeps: files, no keychain) and its files: this user's alone. */
export function cacheFindings(ctx: Context): Finding[] {
  const dir = cacheDirectory(ctx.env, ctx.platform);
  const topic = 'credential store';
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(dir);
  } catch {
    return [ok(topic, `files in ${dir} (not created yet; no keychain is used)`)];
  }
  if (stats.isSymbolicLink() || !stats.isDirectory())
    return [problem(topic, `${dir} is not a plain folder: stsenv will not use it; remove it`)];
  if (ctx.platform === 'win32') return [ok(topic, `files in ${dir} (no keychain is used)`)];
  const findings: Finding[] = [];
  if (ctx.local.uid !== undefined && stats.uid !== ctx.local.uid)
    findings.push(problem(topic, `${dir} belongs to user ${stats.uid}, not you: stsenv will not use it; remove it`));
  if ((stats.mode & 0o077) !== 0)
    findings.push(
      problem(
        topic,
        `${dir} can be read or changed by others (mode ${(stats.mode & 0o777).toString(8)}): chmod 700 ${dir}`,
      ),
    );
  let open = 0;
  for (const name of readdirSync(dir)) {
    try {
      const file = lstatSync(join(dir, name));
      if (file.isFile() && (file.mode & 0o077) !== 0) open++;
    } catch {
      // gone meanwhile
    }
  }
  if (open > 0)
    findings.push(
      problem(topic, `${open} file${open === 1 ? '' : 's'} in ${dir} can be read by others: chmod 600 ${dir}/*`),
    );
  return findings.length > 0 ? findings : [ok(topic, `files in ${dir}, yours alone (no keychain is used)`)];
}

/** The init functions run stsenv with STSENV_EVAL set (src/cli/eval-mode.ts): doctor is one of the commands they evaluate. */
export function shellFinding(ctx: Context): Finding {
  if (ctx.evalShell !== undefined)
    return ok('shell integration', `loaded: this ran through the stsenv function of stsenv init (${ctx.evalShell})`);
  return note(
    'shell integration',
    'not loaded in the shell that ran this (or it was run as `command stsenv`): `stsenv assume` prints lines to eval yourself; see stsenv init --help',
  );
}

/** Which credentials a request would start from now, and why (the precedence --debug states). */
export function signerFindings(ctx: Context, profiles: Profiles): Finding[] {
  const topic = 'credentials';
  const env = ctx.env;
  const findings: Finding[] = [];
  const hasId = Boolean(env.AWS_ACCESS_KEY_ID?.trim());
  const hasSecret = Boolean(env.AWS_SECRET_ACCESS_KEY?.trim());
  if (hasId !== hasSecret)
    findings.push(
      problem(
        topic,
        `${hasId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is set without ${hasId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'}: neither is used; set both or unset it`,
      ),
    );
  const keys = envKeys(env);
  const profile = chooseProfile(undefined, env);
  if (keys) {
    const kind = keys.sessionToken ? 'session credentials' : 'long-term keys';
    const role = env.STSENV_ROLE_ARN?.trim() ? `, of role ${env.STSENV_ROLE_ARN.trim()} from stsenv` : '';
    const over = profile ? `; they come before ${profile.from}=${profile.name}, as in the AWS CLI` : '';
    findings.push(ok(topic, `the key variables sign: access key ${keys.accessKeyId} (${kind}${role})${over}`));
    const expiry = env.AWS_CREDENTIAL_EXPIRATION?.trim() || env.AWS_SESSION_EXPIRATION?.trim();
    if (expiry && !Number.isNaN(Date.parse(expiry)) && Date.parse(expiry) <= ctx.now().getTime()) {
      findings.push(
        problem(topic, `the credentials in the key variables expired at ${expiry}: run stsenv unset, or get new ones`),
      );
    }
    return findings;
  }
  if (profile) {
    const data = Object.hasOwn(profiles, profile.name) ? profiles[profile.name] : undefined;
    if (!data)
      findings.push(
        problem(
          topic,
          `${profile.from} names profile '${profile.name}', which is in neither the AWS config nor the credentials file`,
        ),
      );
    else
      findings.push(
        ok(
          topic,
          `profile '${profile.name}' signs (from ${profile.from}; no key variables are set)${isRoleProfile(data) ? ', through its role chain' : ''}`,
        ),
      );
    return findings;
  }
  if (Object.hasOwn(profiles, 'default')) {
    findings.push(ok(topic, "profile 'default' signs (no key variables, AWS_PROFILE or AWS_DEFAULT_PROFILE are set)"));
    return findings;
  }
  const rest = [
    env.AWS_WEB_IDENTITY_TOKEN_FILE ? 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)' : undefined,
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
      ? 'the container credentials endpoint'
      : undefined,
    env.AWS_EC2_METADATA_DISABLED?.trim().toLowerCase() === 'true' ? undefined : 'the instance metadata service',
  ].filter(Boolean);
  if (rest.length === 0)
    findings.push(
      problem(
        topic,
        'nothing would sign: no key variables, no AWS_PROFILE, no profile default, and instance metadata is disabled',
      ),
    );
  else
    findings.push(
      note(
        topic,
        `no key variables, AWS_PROFILE or profile default: the SDK's chain would try ${rest.join(', then ')}`,
      ),
    );
  return findings;
}
