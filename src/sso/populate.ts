/**
 * `stsenv sso populate`: a profile in the AWS config file for every account
 * and role the sign-in of an sso-session (or a legacy start URL) may use,
 * named by a template (populate-names.ts), written by populate-config.ts's
 * rules under the same lock and atomic rename as --write-profile. `--json`
 * lists instead of writing; `--dry-run` says what would change, on stderr
 * (stdout stays for the shell), and writes nothing.
 */
import { readFileSync } from 'node:fs';
import type { Output } from '../context.js';
import { failure, usageError } from '../errors.js';
import { configFilePath } from '../config/shared-files.js';
import { checkRegion } from '../validate.js';
import { loadSsoConfig, resolveSsoTarget, tokenCacheId, type SsoSelection, type SsoTarget } from './config.js';
import { printable } from '../text/printable.js';
import type { SsoWorld } from './world.js';
import { cachedSsoToken } from './refresh.js';
import { populateConfig, takenNames, type PopulateChange, type WantedSection } from './populate-config.js';
import { checkTemplate, DEFAULT_TEMPLATE, key, profileNames, type Grant } from './populate-names.js';
import type { PortalAccount } from './portal.js';
import { DEFAULT_TIMEOUT_MS } from '../aws/client-options.js';

export interface PopulateOptions extends SsoSelection {
  template?: string;
  prune?: boolean;
  dryRun?: boolean;
  json?: boolean;
  /** The `region` of the profiles (default: the sign-in's sso_region). */
  region?: string;
  /** Seconds for each request. */
  timeout?: number;
}

export interface PopulateWorld extends SsoWorld {
  stdout: Output;
  /** Rewrites the file under a lock: `change` gets its text ('' when missing) and gives the new text, or undefined to leave it. */
  updateFile(file: string, change: (text: string) => string | undefined): Promise<void>;
  /** The portal's accounts and roles (default: the SDK's client, portal.ts); undefined when the token is refused. */
  listAccounts?(region: string, accessToken: string, timeoutMs: number): Promise<PortalAccount[] | undefined>;
}

/** IAM role names as IAM allows them; anything else from the portal is not written into the file. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;

function loginHint(sso: SsoTarget): string {
  return sso.sessionName !== undefined
    ? `run stsenv sso login --sso-session ${sso.sessionName}, then try again`
    : `run stsenv sso login --profile ${sso.profile ?? ''}, then try again`;
}

/** The grants to write: those with an account id and role name that can go into the file as they are. */
function grantsOf(accounts: readonly PortalAccount[], warn: (message: string) => void): Grant[] {
  const grants: Grant[] = [];
  for (const account of accounts) {
    if (!ACCOUNT_ID.test(account.accountId)) {
      warn(`skipping account '${printable(account.accountId)}': not a 12-digit account id`);
      continue;
    }
    for (const roleName of account.roles) {
      if (!ROLE_NAME.test(roleName))
        warn(`skipping role '${printable(roleName)}' of account ${account.accountId}: not an IAM role name`);
      else
        grants.push({
          accountId: account.accountId,
          accountName: account.accountName,
          emailAddress: account.emailAddress,
          roleName,
        });
    }
  }
  return grants;
}

function sectionsFor(
  grants: readonly Grant[],
  names: Map<string, string>,
  sso: SsoTarget,
  region: string,
): WantedSection[] {
  return grants
    .map((grant) => ({
      name: names.get(key(grant))!,
      entries: [
        ...(sso.sessionName !== undefined
          ? [['sso_session', sso.sessionName] as const]
          : [['sso_start_url', sso.startUrl] as const, ['sso_region', sso.region] as const]),
        ['sso_account_id', grant.accountId] as const,
        ['sso_role_name', grant.roleName] as const,
        ['region', region] as const,
      ],
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function describe(change: PopulateChange, dryRun: boolean): string[] {
  const would = dryRun ? 'would ' : '';
  return [
    ...change.added.map((name) => `  ${would}add [profile ${name}]`),
    ...change.updated.map((name) => `  ${would}update [profile ${name}]`),
    ...change.removed.map((name) => `  ${would}remove [profile ${name}] (no longer granted)`),
    ...change.stale.map((name) => `  keep [profile ${name}]: no longer granted (--prune removes it)`),
  ];
}

export async function ssoPopulate(options: PopulateOptions, world: PopulateWorld): Promise<number> {
  if (
    options.timeout !== undefined &&
    (!Number.isFinite(options.timeout) || options.timeout <= 0 || options.timeout > 3600)
  ) {
    throw usageError(`invalid --timeout '${options.timeout}'`, 'give seconds, more than 0 and at most 3600');
  }
  const template = checkTemplate(options.template ?? DEFAULT_TEMPLATE);
  const { profiles, sessions } = await loadSsoConfig(world.env);
  const sso = resolveSsoTarget(options, profiles, sessions, world.env);
  const region = options.region !== undefined ? checkRegion(options.region) : sso.region;
  const timeoutMs = options.timeout !== undefined ? Math.round(options.timeout * 1000) : DEFAULT_TIMEOUT_MS;

  const usable = await cachedSsoToken(sso, world, timeoutMs);
  if (!usable)
    throw failure(`no valid SSO token for ${sso.label}: it is missing or expired and could not be refreshed`, {
      code: 'SsoTokenMissingOrExpired',
      hint: loginHint(sso),
    });
  if (usable.refreshed) world.debug('the SSO token was refreshed');
  const list =
    world.listAccounts ??
    (async (r: string, token: string, ms: number) =>
      (await import('./portal.js')).listAccountsAndRoles(r, token, world.env, world.debug, ms));
  const accounts = await list(sso.region, usable.token.accessToken, timeoutMs);
  if (!accounts)
    throw failure(`the SSO portal refused the token of ${sso.label} (UnauthorizedException)`, {
      code: 'Unauthorized',
      hint: loginHint(sso),
    });
  const grants = grantsOf(accounts, world.warn);
  const source = tokenCacheId(sso);
  const file = configFilePath(world.env);
  const sessionLabel = sso.sessionName ?? '';

  const plan = (text: string) => {
    const names = profileNames(grants, template, sessionLabel, takenNames(text, source));
    return { names, ...populateConfig(text, source, sectionsFor(grants, names, sso, region), options.prune === true) };
  };

  if (options.json) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // no file yet: every name is free
    }
    const { names } = plan(text);
    const listed = accounts.map((a) => ({
      accountId: a.accountId,
      accountName: a.accountName,
      emailAddress: a.emailAddress,
      roles: a.roles.map((roleName) => ({ roleName, profile: names.get(key({ accountId: a.accountId, roleName })) })),
    }));
    world.stdout.write(
      `${JSON.stringify({ ssoSession: sso.sessionName, startUrl: sso.startUrl, region: sso.region, accounts: listed }, null, 2)}\n`,
    );
    return 0;
  }

  let change: PopulateChange | undefined;
  if (options.dryRun) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw failure(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    change = plan(text).change;
  } else {
    await world.updateFile(file, (text) => {
      const result = plan(text);
      change = result.change;
      return result.text === text ? undefined : result.text;
    });
  }
  const c = change!;
  const total = grants.length;
  const counts = `${c.added.length} added, ${c.updated.length} updated, ${c.removed.length} removed, ${c.unchanged.length} unchanged`;
  const head = options.dryRun
    ? `stsenv: dry run for ${sso.label} (${total} ${total === 1 ? 'role' : 'roles'}); ${file} would have ${counts}; nothing written`
    : c.added.length + c.updated.length + c.removed.length === 0
      ? `stsenv: ${file} already has a profile for each of the ${total} ${total === 1 ? 'role' : 'roles'} of ${sso.label}; nothing changed`
      : `stsenv: wrote ${file} for ${sso.label} (${total} ${total === 1 ? 'role' : 'roles'}): ${counts}`;
  world.stderr.write(`${[head, ...describe(c, options.dryRun === true)].join('\n')}\n`);
  return 0;
}
