/**
 * The SSO portal's Logout, through the SDK's own client (@aws-sdk/client-sso,
 * in the same vendor bundle as the sign-in client): `sso logout` ends the
 * session at IAM Identity Center too, as `aws sso logout` does, so that a
 * copy of the token left anywhere is worthless. The endpoint is the SDK's:
 * AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, else portal.sso.REGION.amazonaws.com.
 */
import { LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
import { scrubSecrets } from '../aws/errors.js';
import { endpointFor, ssoClientSettings } from './client-settings.js';

/** How long logout waits for the portal: the local token is removed whatever it answers. */
const LOGOUT_TIMEOUT_MS = 10_000;

/** Ends the session of `accessToken`; undefined when done, else why not (never the token). */
export async function portalLogout(
  region: string,
  accessToken: string,
  env: NodeJS.ProcessEnv,
  debug: (message: string) => void,
): Promise<string | undefined> {
  const endpoint = endpointFor(env, 'AWS_ENDPOINT_URL_SSO', `https://portal.sso.${region}.amazonaws.com`);
  const { requestHandler, logger } = await ssoClientSettings(env, endpoint, LOGOUT_TIMEOUT_MS, debug);
  const client = new SSOClient({ region, requestHandler, logger });
  debug(`Logout via ${endpoint}`);
  try {
    await client.send(new LogoutCommand({ accessToken }), { abortSignal: AbortSignal.timeout(LOGOUT_TIMEOUT_MS) });
    return undefined;
  } catch (error) {
    scrubSecrets(error, [accessToken]);
    const e = error as { name?: string; message?: string; code?: string };
    // An expired or already revoked token: the session is over anyway.
    if (e.name === 'UnauthorizedException') return undefined;
    const why =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `no answer within ${LOGOUT_TIMEOUT_MS / 1000}s`
        : `${e.name ?? 'error'}${e.code ? ` ${e.code}` : ''}`;
    return `${endpoint}: ${why}`;
  } finally {
    client.destroy();
  }
}

export interface PortalAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roles: string[];
}

/**
 * Every account the token's user may enter and every role in each
 * (ListAccounts, then ListAccountRoles per account, all pages, through the
 * SDK's paginators). undefined when the portal refuses the token
 * (UnauthorizedException): a sign-in is needed.
 */
export async function listAccountsAndRoles(
  region: string,
  accessToken: string,
  env: NodeJS.ProcessEnv,
  debug: (message: string) => void,
  timeoutMs: number,
): Promise<PortalAccount[] | undefined> {
  const { paginateListAccountRoles, paginateListAccounts } = await import('@aws-sdk/client-sso');
  const { toStsenvError } = await import('../aws/errors.js');
  const endpoint = endpointFor(env, 'AWS_ENDPOINT_URL_SSO', `https://portal.sso.${region}.amazonaws.com`);
  const { requestHandler, logger, proxy } = await ssoClientSettings(env, endpoint, timeoutMs, debug);
  const client = new SSOClient({ region, requestHandler, logger });
  let operation = 'ListAccounts';
  try {
    const accounts: PortalAccount[] = [];
    debug(`ListAccounts via ${endpoint}`);
    for await (const page of paginateListAccounts({ client, pageSize: 100 }, { accessToken })) {
      for (const account of page.accountList ?? []) {
        if (account.accountId)
          accounts.push({
            accountId: account.accountId,
            accountName: account.accountName ?? account.accountId,
            emailAddress: account.emailAddress,
            roles: [],
          });
      }
    }
    operation = 'ListAccountRoles';
    for (const account of accounts) {
      debug(`ListAccountRoles of ${account.accountId} via ${endpoint}`);
      for await (const page of paginateListAccountRoles(
        { client, pageSize: 100 },
        { accessToken, accountId: account.accountId },
      )) {
        for (const role of page.roleList ?? []) if (role.roleName) account.roles.push(role.roleName);
      }
    }
    return accounts;
  } catch (error) {
    if ((error as { name?: string }).name === 'UnauthorizedException') return undefined;
    throw toStsenvError(
      error,
      operation,
      { region, regionKnown: true, endpoint, identityLabel: 'the SSO token', timeoutMs },
      { secrets: [accessToken], proxy, endpointSetting: 'AWS_ENDPOINT_URL_SSO', service: 'the SSO portal' },
    );
  } finally {
    client.destroy();
  }
}
