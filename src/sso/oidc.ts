/**
 * The SSO OIDC API through the SDK's own client (@aws-sdk/client-sso-oidc),
 * loaded only by `stsenv sso login` (the build gives it a vendor bundle of its
 * own). The endpoint comes from the SDK's normal configuration:
 * AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, the config file, else
 * oidc.REGION.amazonaws.com. The calls are unsigned (the API needs no AWS
 * credentials), so no credential chain runs. Proxies and AWS_CA_BUNDLE apply
 * as for STS.
 */
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { failure, type StsenvError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, type StsTarget } from '../aws/client-options.js';
import { toStsenvError } from '../aws/errors.js';
import { endpointFor, ssoClientSettings } from './client-settings.js';
import { DEVICE_CODE_GRANT, type IssuedToken, type OidcApi, type TokenAttempt } from './device-flow.js';
import { printable } from '../text/printable.js';
import { redactSecrets } from '../text/redact.js';

interface OidcError {
  name?: string;
  message?: string;
  error?: string;
  error_description?: string;
  $fault?: string;
}

/** What to do about the SSO OIDC errors the device flow does not expect. */
const HINTS: Record<string, string> = {
  InvalidClientException: 'run stsenv sso login again',
  InvalidRequestException: 'check sso_start_url and sso_region in the AWS config file',
  InvalidRequestRegionException: 'set sso_region to the region of your IAM Identity Center instance',
  InvalidScopeException: 'check sso_registration_scopes in the sso-session',
  UnauthorizedClientException: 'run stsenv sso login again',
  InvalidClientMetadataException: 'check sso_registration_scopes in the sso-session',
  InternalServerException: 'IAM Identity Center failed on its side: try again later',
};

export interface OidcOptions {
  region: string;
  env: NodeJS.ProcessEnv;
  debug(message: string): void;
  timeoutMs?: number;
}

/** The OIDC calls of the device flow, over the SDK's client; every error a StsenvError without secrets. */
export async function sdkOidcApi(options: OidcOptions): Promise<OidcApi & { destroy(): void }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoint = endpointFor(
    options.env,
    'AWS_ENDPOINT_URL_SSO_OIDC',
    `https://oidc.${options.region}.amazonaws.com`,
  );
  const { requestHandler, logger, proxy } = await ssoClientSettings(options.env, endpoint, timeoutMs, options.debug);
  const client = new SSOOIDCClient({ region: options.region, requestHandler, logger });
  const target: StsTarget = {
    region: options.region,
    regionKnown: true,
    endpoint,
    identityLabel: 'IAM Identity Center sign-in',
    timeoutMs,
  };

  async function call<T>(
    operation: string,
    secrets: (string | undefined)[],
    send: (signal: AbortSignal) => Promise<T>,
    expected: (e: OidcError) => T | undefined,
  ): Promise<T> {
    const started = Date.now();
    options.debug(`${operation} via ${endpoint}`);
    try {
      return await send(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      const e = (error ?? {}) as OidcError;
      const outcome = expected(e);
      if (outcome !== undefined) return outcome;
      throw explain(error, operation, secrets);
    } finally {
      options.debug(`${operation} took ${Date.now() - started} ms`);
    }
  }

  function explain(error: unknown, operation: string, secrets: (string | undefined)[]): StsenvError {
    const e = (error ?? {}) as OidcError;
    const hint = e.name ? HINTS[e.name] : undefined;
    if (hint !== undefined || (e.$fault && e.error)) {
      const code = e.name?.replace(/Exception$/, '') ?? 'Error';
      const what = [e.error, e.error_description]
        .filter((part): part is string => typeof part === 'string' && part !== '')
        .map((part) => redactSecrets(part, secrets))
        .join(': ');
      return failure(
        `${operation} failed: ${printable(e.name ?? 'Error')}${what ? `: ${printable(what.slice(0, 200))}` : ''}`,
        { code, hint },
      );
    }
    return toStsenvError(error, operation, target, {
      secrets,
      proxy,
      endpointSetting: 'AWS_ENDPOINT_URL_SSO_OIDC',
      service: 'SSO OIDC',
    });
  }

  function issued(answer: { accessToken?: string; expiresIn?: number; refreshToken?: string }): IssuedToken {
    if (!answer.accessToken || typeof answer.expiresIn !== 'number')
      throw failure('CreateToken answer is missing accessToken or expiresIn', {
        hint: `check that ${endpoint} is IAM Identity Center's OIDC endpoint`,
      });
    return {
      accessToken: answer.accessToken,
      expiresIn: answer.expiresIn,
      refreshToken: answer.refreshToken || undefined,
    };
  }

  return {
    endpoint,
    destroy: () => client.destroy(),
    async registerClient(input) {
      const answer = await call(
        'RegisterClient',
        [],
        (abortSignal) => client.send(new RegisterClientCommand({ ...input, clientType: 'public' }), { abortSignal }),
        () => undefined,
      );
      if (!answer.clientId || !answer.clientSecret || typeof answer.clientSecretExpiresAt !== 'number') {
        throw failure('RegisterClient answer is missing clientId, clientSecret or clientSecretExpiresAt', {
          hint: `check that ${endpoint} is IAM Identity Center's OIDC endpoint`,
        });
      }
      return {
        clientId: answer.clientId,
        clientSecret: answer.clientSecret,
        clientSecretExpiresAt: answer.clientSecretExpiresAt,
      };
    },
    async startDeviceAuthorization(input) {
      const answer = await call(
        'StartDeviceAuthorization',
        [input.clientSecret],
        (abortSignal) => client.send(new StartDeviceAuthorizationCommand(input), { abortSignal }),
        (e) => (e.name === 'InvalidClientException' ? null : undefined),
      );
      if (answer === null) return undefined;
      if (!answer.deviceCode || !answer.userCode || !answer.verificationUri || typeof answer.expiresIn !== 'number') {
        throw failure('StartDeviceAuthorization answer is missing deviceCode, userCode, verificationUri or expiresIn', {
          hint: `check that ${endpoint} is IAM Identity Center's OIDC endpoint`,
        });
      }
      return {
        deviceCode: answer.deviceCode,
        userCode: answer.userCode,
        verificationUri: answer.verificationUri,
        verificationUriComplete: answer.verificationUriComplete,
        expiresIn: answer.expiresIn,
        interval: typeof answer.interval === 'number' && answer.interval >= 0 ? answer.interval : undefined,
      };
    },
    async createToken(input) {
      const outcomes: Record<string, TokenAttempt> = {
        AuthorizationPendingException: { outcome: 'pending' },
        SlowDownException: { outcome: 'slow_down' },
        AccessDeniedException: { outcome: 'denied' },
        ExpiredTokenException: { outcome: 'expired' },
      };
      return call(
        'CreateToken',
        [input.clientSecret, input.deviceCode],
        async (abortSignal) => {
          const answer = await client.send(new CreateTokenCommand({ ...input, grantType: DEVICE_CODE_GRANT }), {
            abortSignal,
          });
          if (!answer.accessToken || typeof answer.expiresIn !== 'number')
            throw failure('CreateToken answer is missing accessToken or expiresIn', {
              hint: `check that ${endpoint} is IAM Identity Center's OIDC endpoint`,
            });
          return {
            outcome: 'token' as const,
            accessToken: answer.accessToken,
            expiresIn: answer.expiresIn,
            refreshToken: answer.refreshToken || undefined,
          };
        },
        (e) => (e.name && Object.hasOwn(outcomes, e.name) ? outcomes[e.name] : undefined),
      );
    },
    async exchangeCode(input) {
      return call(
        'CreateToken',
        [input.clientSecret, input.code, input.codeVerifier],
        async (abortSignal) =>
          issued(
            await client.send(new CreateTokenCommand({ ...input, grantType: 'authorization_code' }), { abortSignal }),
          ),
        () => undefined,
      );
    },
    async refreshToken(input) {
      // A refresh token that is spent, revoked or past the session's end, or a client no longer known: sign in again.
      const refused = new Set([
        'InvalidGrantException',
        'ExpiredTokenException',
        'InvalidClientException',
        'UnauthorizedClientException',
        'AccessDeniedException',
      ]);
      const answer = await call(
        'CreateToken',
        [input.clientSecret, input.refreshToken],
        async (abortSignal) =>
          issued(await client.send(new CreateTokenCommand({ ...input, grantType: 'refresh_token' }), { abortSignal })),
        (e) => (e.name && refused.has(e.name) ? null : undefined),
      );
      return answer ?? undefined;
    },
  };
}
