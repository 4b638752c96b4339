/**
 * Everything that loads the AWS SDK lives behind this module, which the
 * Context's STS factory imports on first use: --help, --version, init,
 * unset, argument errors and cache hits never pay for it.
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandInput,
  type AssumeRoleWithSAMLCommandInput,
  type AssumeRoleWithWebIdentityCommandInput,
  type GetFederationTokenCommandInput,
  type GetSessionTokenCommandInput,
  type Credentials as StsCredentials,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { externalDataInterceptor } from '@smithy/core/config';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RetryErrorInfo, StandardRetryBackoffStrategy, StandardRetryToken } from '@smithy/types';
import { failure } from '../errors.js';
import { configFilePath, credentialsFilePath, sharedConfig } from '../config/shared-files.js';
import type { Credentials } from '../credentials.js';
import type { StsTarget } from './client-options.js';
import { enterProfile } from './credential-process-guard.js';
import { toStsenvError } from './errors.js';
import { httpsOptions } from './https-options.js';
import { bypassesProxy, describeProxy, proxyAgents, readProxySettings } from './proxy.js';

export type {
  AssumeRoleCommandInput,
  AssumeRoleWithSAMLCommandInput,
  AssumeRoleWithWebIdentityCommandInput,
  GetFederationTokenCommandInput,
  GetSessionTokenCommandInput,
};

type Logger = NonNullable<STSClientConfig['logger']>;

export interface Reporter {
  debug(message: string): void;
  warn(message: string): void;
}

export interface IssuedCredentials {
  credentials: Credentials & { sessionToken: string; expiration: Date };
  /** The assumed role's session ARN, when STS says. */
  arn?: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/**
 * The SDK's own warnings arrive here instead of the console. Its "multiple
 * credential sources" one comes only when stsenv gives it a profile
 * (--profile) with the key variables set: --profile comes first, as in the
 * AWS CLI, so that is for --debug alone.
 */
function sdkLogger(reporter: Reporter): Logger {
  return {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (/Multiple credential sources/i.test(text))
        reporter.debug('the profile signs, not the key variables (--profile comes first)');
      else reporter.warn(`AWS SDK: ${text.split('\n')[0]}`);
    },
    // Failures reach the user through the thrown error, mapped in errors.ts.
    error: () => {},
  };
}

/** Attempts per call when neither --max-attempts nor AWS_MAX_ATTEMPTS says: the SDK's standard default. */
const DEFAULT_MAX_ATTEMPTS = 3;
/** A connection that takes longer than this is retried (within the --timeout deadline). */
const MAX_CONNECT_MS = 10_000;

/**
 * The SDK's standard retry strategy (exponential backoff with jitter, retry
 * quota) with one change: no backoff runs past the --timeout deadline, so a
 * throttled call ends with STS's own error on time instead of sleeping on.
 */
class DeadlineRetryStrategy extends StandardRetryStrategy {
  private outOfTime = false;

  constructor(
    maxAttempts: number,
    private readonly deadline: number,
  ) {
    super(maxAttempts);
    const standard = this.retryBackoffStrategy;
    const capped: StandardRetryBackoffStrategy = {
      setDelayBase: (delay) => standard.setDelayBase(delay),
      computeNextBackoffDelay: (attempt) => {
        const delay = standard.computeNextBackoffDelay(attempt);
        if (Date.now() + delay >= this.deadline) this.outOfTime = true;
        return this.outOfTime ? 0 : delay;
      },
    };
    Object.defineProperty(this, 'retryBackoffStrategy', { value: capped });
  }

  override async refreshRetryTokenForRetry(
    token: StandardRetryToken,
    info: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    const retryAfter = info.retryAfterHint instanceof Date ? info.retryAfterHint.getTime() : 0;
    if (Date.now() >= this.deadline || retryAfter >= this.deadline) throw new Error('no time left for another attempt');
    const next = await super.refreshRetryTokenForRetry(token, info);
    // The SDK then throws the last error it got, which says more than a timeout would.
    if (this.outOfTime) throw new Error('no time left for another attempt');
    return next;
  }
}

/**
 * The SDK reads the shared files with a loader of its own, and parses them
 * again for each setting it looks up (region, retries, endpoints...). It is
 * given stsenv's reading instead, through its own hook for data read
 * elsewhere: the sections of the profiles it will resolve (`profile`, and
 * AWS_PROFILE's or `default` for its settings), exactly as the files hold
 * them. A file stsenv could not use is left for the SDK to read, as before.
 */
function shareFiles(profile: string | undefined, io: ServiceIo): void {
  let files: ReturnType<typeof sharedConfig>;
  try {
    files = sharedConfig(io.env);
  } catch {
    return;
  }
  const names = [io.sdkEnv.AWS_PROFILE || 'default'];
  if (profile !== undefined) names.push(profile);
  for (const { path, text } of files.sdkFiles(names)) externalDataInterceptor.interceptFile(path, text);
}

interface Client {
  sts: STSClient;
  /** The proxy in use for this endpoint, for messages; no credentials. */
  proxy?: string;
}

async function createClient(target: StsTarget, io: ServiceIo, deadline: number): Promise<Client> {
  const { env, reporter } = io;
  const settings = readProxySettings(env);
  const tls = httpsOptions(env);
  const agents = await proxyAgents(settings, tls);
  const httpsAgent =
    agents.httpsAgent ??
    (tls.ca ? new (await import('node:https')).Agent({ keepAlive: true, maxSockets: 50, ...tls }) : undefined);
  reporter.debug(agents.description);
  const endpoint = new URL(target.endpoint ?? `https://sts.${target.region}.amazonaws.com`);
  const proxied = endpoint.protocol === 'https:' ? settings.https : settings.http;
  const proxy =
    proxied && !bypassesProxy(settings.noProxy, endpoint.hostname, endpoint.port)
      ? describeProxy(proxied.url)
      : undefined;
  const logger = sdkLogger(reporter);
  shareFiles(target.profile, io);
  const sts = new STSClient({
    region: target.region,
    endpoint: target.endpoint,
    // A named profile through the SDK's shared-file provider alone, in the files stsenv read: its own
    // error reaches the message (a credential_process's words, an SSO token's), and a failing
    // credential_process runs once, where the whole default chain would run it twice.
    credentials:
      target.credentials ??
      (target.profile !== undefined
        ? fromIni({
            profile: target.profile,
            filepath: credentialsFilePath(env),
            configFilepath: configFilePath(env),
            ignoreCache: true,
            logger,
          })
        : undefined),
    maxAttempts: target.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryStrategy: new DeadlineRetryStrategy(target.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, deadline),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(target.timeoutMs, MAX_CONNECT_MS),
      requestTimeout: target.timeoutMs,
      // Without it the SDK only prints a warning to the console when requestTimeout passes.
      throwOnRequestTimeout: true,
      socketTimeout: target.timeoutMs,
      httpAgent: agents.httpAgent,
      httpsAgent,
      logger,
    }),
    logger,
  });
  return { sts, proxy };
}

async function send<T>(
  io: ServiceIo,
  target: StsTarget,
  operation: string,
  secrets: readonly (string | undefined)[],
  run: (client: STSClient, abortSignal: AbortSignal) => Promise<T>,
  signed = true,
): Promise<T> {
  const { reporter } = io;
  // Credentials the SDK resolves itself (a profile, or its default chain, which reads `default`) may come from a credential_process.
  if (signed && !target.credentials) enterProfile(target.profile ?? 'default', io.env, io.sdkEnv);
  reporter.debug(`${operation} via ${target.endpoint ?? `STS in ${target.region}`} as ${target.identityLabel}`);
  const started = Date.now();
  const { sts: client, proxy } = await createClient(target, io, started + target.timeoutMs);
  const allSecrets = [
    ...secrets,
    target.credentials?.secretAccessKey,
    target.credentials?.sessionToken,
    io.env.AWS_SECRET_ACCESS_KEY,
    io.env.AWS_SESSION_TOKEN,
  ];
  try {
    return await run(client, AbortSignal.timeout(target.timeoutMs));
  } catch (error) {
    throw toStsenvError(error, operation, target, { secrets: allSecrets, proxy });
  } finally {
    reporter.debug(`${operation} took ${Date.now() - started} ms`);
    client.destroy();
  }
}

/** STS answers are checked, not trusted: a credential missing a part is useless and dangerous. */
function checkIssued(
  operation: string,
  answer: StsCredentials | undefined,
  now: Date,
): IssuedCredentials['credentials'] {
  const missing = (['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const).filter(
    (field) => !answer?.[field],
  );
  if (!answer || missing.length > 0) {
    throw failure(`${operation} answer is missing ${missing.join(', ')}`, {
      hint: 'the endpoint did not return usable credentials',
    });
  }
  const expiration = answer.Expiration!;
  if (!(expiration instanceof Date) || Number.isNaN(expiration.getTime())) {
    throw failure(`${operation} answer has an unreadable Expiration`);
  }
  if (expiration.getTime() <= now.getTime()) {
    throw failure(`${operation} answer has already expired (${expiration.toISOString()})`, {
      hint: "check this machine's clock and the endpoint",
    });
  }
  return {
    accessKeyId: answer.AccessKeyId!,
    secretAccessKey: answer.SecretAccessKey!,
    sessionToken: answer.SessionToken!,
    expiration,
  };
}

/** What the STS calls need from the process: given by the Context's factory (src/context.ts). */
export interface ServiceIo {
  /** The environment stsenv was started with: proxies, AWS_CA_BUNDLE, secrets to keep out of messages. */
  env: NodeJS.ProcessEnv;
  /** The environment the SDK itself reads and passes to what it runs (credential_process): process.env. */
  sdkEnv: NodeJS.ProcessEnv;
  reporter: Reporter;
}

/** Every STS call stsenv makes, each with a client of its own. */
export interface StsService {
  assumeRole(target: StsTarget, input: AssumeRoleCommandInput, now: Date): Promise<IssuedCredentials>;
  getSessionToken(target: StsTarget, input: GetSessionTokenCommandInput, now: Date): Promise<IssuedCredentials>;
  /** Only long-term keys of an IAM user (or root) may call it; `stsenv console` signs in with the answer. */
  getFederationToken(target: StsTarget, input: GetFederationTokenCommandInput, now: Date): Promise<IssuedCredentials>;
  assumeRoleWithWebIdentity(
    target: StsTarget,
    input: AssumeRoleWithWebIdentityCommandInput,
    now: Date,
  ): Promise<IssuedCredentials>;
  /** Unsigned too: the SAML assertion is the proof of identity. */
  assumeRoleWithSAML(target: StsTarget, input: AssumeRoleWithSAMLCommandInput, now: Date): Promise<IssuedCredentials>;
  getCallerIdentity(target: StsTarget): Promise<CallerIdentity>;
  /**
   * The base credentials themselves, resolved by the SDK's chain for
   * target.profile (static keys, SSO, credential_process...) or its default
   * chain: what `stsenv export` prints. No request to STS unless the chain needs one.
   */
  resolveBaseCredentials(target: StsTarget): Promise<Credentials>;
}

/**
 * AssumeRoleWithWebIdentity and AssumeRoleWithSAML: unsigned (the token or
 * the assertion, kept out of every message, is the proof of identity), the
 * role's ARN in the answer.
 */
async function assumeUnsigned(
  io: ServiceIo,
  target: StsTarget,
  operation: 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML',
  secret: string | undefined,
  now: Date,
  run: (
    client: STSClient,
    abortSignal: AbortSignal,
  ) => Promise<{ Credentials?: StsCredentials; AssumedRoleUser?: { Arn?: string } }>,
): Promise<IssuedCredentials> {
  const answer = await send(io, target, operation, [secret], run, false);
  return { credentials: checkIssued(operation, answer.Credentials, now), arn: answer.AssumedRoleUser?.Arn };
}

export function createStsService(io: ServiceIo): StsService {
  return {
    async assumeRole(target, input, now) {
      const answer = await send(io, target, 'AssumeRole', [input.TokenCode], (client, abortSignal) =>
        client.send(new AssumeRoleCommand(input), { abortSignal }),
      );
      return { credentials: checkIssued('AssumeRole', answer.Credentials, now), arn: answer.AssumedRoleUser?.Arn };
    },
    async getSessionToken(target, input, now) {
      const answer = await send(io, target, 'GetSessionToken', [input.TokenCode], (client, abortSignal) =>
        client.send(new GetSessionTokenCommand(input), { abortSignal }),
      );
      return { credentials: checkIssued('GetSessionToken', answer.Credentials, now) };
    },
    async getFederationToken(target, input, now) {
      const answer = await send(io, target, 'GetFederationToken', [], (client, abortSignal) =>
        client.send(new GetFederationTokenCommand(input), { abortSignal }),
      );
      return {
        credentials: checkIssued('GetFederationToken', answer.Credentials, now),
        arn: answer.FederatedUser?.Arn,
      };
    },
    assumeRoleWithWebIdentity(target, input, now) {
      return assumeUnsigned(
        io,
        target,
        'AssumeRoleWithWebIdentity',
        input.WebIdentityToken,
        now,
        (client, abortSignal) => client.send(new AssumeRoleWithWebIdentityCommand(input), { abortSignal }),
      );
    },
    assumeRoleWithSAML(target, input, now) {
      return assumeUnsigned(io, target, 'AssumeRoleWithSAML', input.SAMLAssertion, now, (client, abortSignal) =>
        client.send(new AssumeRoleWithSAMLCommand(input), { abortSignal }),
      );
    },
    async getCallerIdentity(target) {
      const answer = await send(io, target, 'GetCallerIdentity', [], (client, abortSignal) =>
        client.send(new GetCallerIdentityCommand({}), { abortSignal }),
      );
      if (!answer.Account || !answer.Arn || !answer.UserId)
        throw failure('GetCallerIdentity answer is missing Account, Arn or UserId');
      return { account: answer.Account, arn: answer.Arn, userId: answer.UserId };
    },
    async resolveBaseCredentials(target) {
      const identity = await send(io, target, 'resolving credentials', [], (client) => client.config.credentials());
      if (!identity?.accessKeyId || !identity.secretAccessKey)
        throw failure(`no credentials found for ${target.identityLabel}`);
      return {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        sessionToken: identity.sessionToken || undefined,
        expiration: identity.expiration,
      };
    },
  };
}
