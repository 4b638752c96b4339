/**
 * `exec --server`: the request's credentials served to the command from a
 * loopback endpoint (credentials-endpoint.ts) instead of put into its
 * environment, renewed through the engine (cache, MFA session, chain) when
 * a request finds less than --min-remaining left.
 */
import { sharedConfig, type ProfileData } from '../config/shared-files.js';
import type { Context } from '../context.js';
import { resolveCredentials, type CredentialRequest } from '../engine/index.js';
import { failure, StsenvError } from '../errors.js';
import { reportError } from '../report-error.js';
import {
  CONFLICTING_VARIABLES,
  CREDENTIAL_VARIABLES,
  REGION_VARIABLES,
  ROLE_VARIABLE,
  SESSION_VARIABLES,
} from '../variables.js';

/**
 * Removed from the command's environment: everything an SDK or the AWS CLI
 * would take before the endpoint. The JS SDK's default chain tries the
 * environment keys, then profiles, then AWS_WEB_IDENTITY_TOKEN_FILE, then
 * the container endpoint (@aws-sdk/credential-provider-node `defaultProvider`);
 * botocore does the same (`create_credential_resolver`). Both take
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI before FULL_URI and a token file
 * before the token.
 */
export const SERVER_CLEARED_VARIABLES: readonly string[] = [
  ...CREDENTIAL_VARIABLES,
  ROLE_VARIABLE,
  // A shell started under it would otherwise refresh the outer shell's request (README "Long sessions").
  ...SESSION_VARIABLES,
  ...CONFLICTING_VARIABLES,
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/** Settings of a profile that give it credentials, which the SDKs use before a container endpoint. */
const CREDENTIAL_SETTINGS = [
  'aws_access_key_id',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'role_arn',
  'web_identity_token_file',
  'credential_source',
];

/** Whether the `default` profile gives credentials: the command's SDKs would then sign with them, not the role. */
export function defaultProfileShadows(data: ProfileData | undefined): boolean {
  return CREDENTIAL_SETTINGS.some((name) => Boolean(data?.[name]));
}

/** The command's environment: no credentials of any kind but the endpoint's, and the region when known. */
export function serverChildEnv(
  parent: NodeJS.ProcessEnv,
  endpoint: { url: string; token: string },
  region: string | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  for (const name of SERVER_CLEARED_VARIABLES) delete env[name];
  env.AWS_CONTAINER_CREDENTIALS_FULL_URI = endpoint.url;
  env.AWS_CONTAINER_AUTHORIZATION_TOKEN = endpoint.token;
  if (region) for (const name of REGION_VARIABLES) env[name] = region;
  return env;
}

export interface ServingEndpoint {
  /** The command's environment, from stsenv's own. */
  childEnv: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * Gets the first credentials now (errors and any MFA prompt happen before
 * the command starts), then serves them. A renewal never asks for a code:
 * the terminal belongs to the command by then.
 */
export async function serveCredentials(
  request: Exclude<CredentialRequest, { kind: 'web-identity' | 'saml' }>,
  ctx: Context,
): Promise<ServingEndpoint> {
  const first = await resolveCredentials(request, ctx);
  if (!first.credentials.sessionToken || !first.credentials.expiration)
    throw failure('exec --server needs temporary credentials (with a session token and an expiration)');
  try {
    if (defaultProfileShadows(sharedConfig(ctx.env).profile('default'))) {
      ctx.warn(
        "profile 'default' in the AWS config or credentials file has credentials, which the command's AWS SDKs use before the endpoint (move them to a named profile)",
      );
    }
  } catch {
    // An unreadable config file was reported by the engine already, or matters to nobody here.
  }
  const renewal: CredentialRequest = {
    ...request,
    mfa: { ...request.mfa, tokenCode: undefined, prompt: false },
    cache: { ...request.cache, readFinal: true },
  };
  const { startCredentialsEndpoint } = await import('./credentials-endpoint.js');
  const endpoint = await startCredentialsEndpoint({
    initial: {
      ...first.credentials,
      sessionToken: first.credentials.sessionToken,
      expiration: first.credentials.expiration,
    },
    minRemainingMs: request.cache.minRemainingMs,
    now: ctx.now,
    getCredentials: async () => {
      const { credentials } = await resolveCredentials(renewal, ctx);
      return { ...credentials, sessionToken: credentials.sessionToken!, expiration: credentials.expiration! };
    },
    onRenewalError: (error) => reportError(renewalError(error), ctx.stderr, ctx.env, false),
    debug: ctx.debug,
  });
  ctx.debug(
    `serving credentials at ${endpoint.url} (AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN)`,
  );
  return { childEnv: serverChildEnv(ctx.env, endpoint, first.region), close: () => endpoint.close() };
}

function renewalError(error: unknown): unknown {
  if (!(error instanceof StsenvError)) return error;
  // tokenCodeFor's refusal (mfa/prompt.ts) names --no-prompt, which the user never gave.
  const hint = /MFA code is needed/.test(error.message)
    ? 'a renewal cannot ask for an MFA code while the command has the terminal: run the command again with stsenv exec'
    : error.hint;
  const message = error.message.replace(/ and --no-prompt is set$/, '');
  return new StsenvError(`renewing the command's credentials failed: ${message}`, error.exitCode, {
    hint,
    code: error.code,
  });
}
