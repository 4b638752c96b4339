/**
 * Everything that loads the AWS SDK lives behind this module, which the
 * commands import dynamically: --help, --version, init, unset, argument
 * errors and cache hits never pay for it.
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandInput,
  type AssumeRoleWithWebIdentityCommandInput,
  type GetSessionTokenCommandInput,
  type Credentials as StsCredentials,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { failure } from '../errors.js';
import type { Credentials } from '../credentials.js';
import type { StsTarget } from './client-options.js';
import { toStsenvError } from './errors.js';

export type { AssumeRoleCommandInput, AssumeRoleWithWebIdentityCommandInput, GetSessionTokenCommandInput };

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
 * The SDK's own warnings arrive here instead of the console: the multi-line
 * "multiple credential sources" one becomes one line for people.
 */
function sdkLogger(reporter: Reporter): Logger {
  return {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (/Multiple credential sources/i.test(text)) {
        reporter.warn('AWS_PROFILE and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are both set; the base credentials come from the profile');
      } else {
        reporter.warn(`AWS SDK: ${text.split('\n')[0]}`);
      }
    },
    // Failures reach the user through the thrown error, mapped in errors.ts.
    error: () => {},
  };
}

function createClient(target: StsTarget, reporter: Reporter): STSClient {
  // The SDK warns on stderr about Node 20 when a client is built; users must not see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new STSClient({
    region: target.region,
    endpoint: target.endpoint,
    profile: target.profile,
    credentials: target.credentials,
    maxAttempts: target.maxAttempts,
    logger: sdkLogger(reporter),
  });
}

async function send<T>(target: StsTarget, reporter: Reporter, operation: string, run: (client: STSClient, abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  reporter.debug(`${operation} via ${target.endpoint ?? `STS in ${target.region}`} as ${target.identityLabel}`);
  const client = createClient(target, reporter);
  const started = Date.now();
  try {
    return await run(client, AbortSignal.timeout(target.timeoutMs));
  } catch (error) {
    throw toStsenvError(error, operation, target);
  } finally {
    reporter.debug(`${operation} took ${Date.now() - started} ms`);
    client.destroy();
  }
}

/** STS answers are checked, not trusted: a credential missing a part is useless and dangerous. */
function checkIssued(operation: string, answer: StsCredentials | undefined, now: Date): IssuedCredentials['credentials'] {
  const missing = (['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const).filter((field) => !answer?.[field]);
  if (!answer || missing.length > 0) {
    throw failure(`${operation} answer is missing ${missing.join(', ')}`, { hint: 'the endpoint did not return usable credentials' });
  }
  const expiration = answer.Expiration!;
  if (!(expiration instanceof Date) || Number.isNaN(expiration.getTime())) {
    throw failure(`${operation} answer has an unreadable Expiration`);
  }
  if (expiration.getTime() <= now.getTime()) {
    throw failure(`${operation} answer has already expired (${expiration.toISOString()})`, { hint: "check this machine's clock and the endpoint" });
  }
  return {
    accessKeyId: answer.AccessKeyId!,
    secretAccessKey: answer.SecretAccessKey!,
    sessionToken: answer.SessionToken!,
    expiration,
  };
}

export async function assumeRole(target: StsTarget, reporter: Reporter, input: AssumeRoleCommandInput, now: Date): Promise<IssuedCredentials> {
  const answer = await send(target, reporter, 'AssumeRole', (client, abortSignal) => client.send(new AssumeRoleCommand(input), { abortSignal }));
  return { credentials: checkIssued('AssumeRole', answer.Credentials, now), arn: answer.AssumedRoleUser?.Arn };
}

export async function getSessionToken(target: StsTarget, reporter: Reporter, input: GetSessionTokenCommandInput, now: Date): Promise<IssuedCredentials> {
  const answer = await send(target, reporter, 'GetSessionToken', (client, abortSignal) => client.send(new GetSessionTokenCommand(input), { abortSignal }));
  return { credentials: checkIssued('GetSessionToken', answer.Credentials, now) };
}

export async function assumeRoleWithWebIdentity(
  target: StsTarget,
  reporter: Reporter,
  input: AssumeRoleWithWebIdentityCommandInput,
  now: Date,
): Promise<IssuedCredentials> {
  const answer = await send(target, reporter, 'AssumeRoleWithWebIdentity', (client, abortSignal) =>
    client.send(new AssumeRoleWithWebIdentityCommand(input), { abortSignal }),
  );
  return { credentials: checkIssued('AssumeRoleWithWebIdentity', answer.Credentials, now), arn: answer.AssumedRoleUser?.Arn };
}

export async function getCallerIdentity(target: StsTarget, reporter: Reporter): Promise<CallerIdentity> {
  const answer = await send(target, reporter, 'GetCallerIdentity', (client, abortSignal) => client.send(new GetCallerIdentityCommand({}), { abortSignal }));
  if (!answer.Account || !answer.Arn || !answer.UserId) throw failure('GetCallerIdentity answer is missing Account, Arn or UserId');
  return { account: answer.Account, arn: answer.Arn, userId: answer.UserId };
}
