import type { CommandSpec, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { isoSeconds } from '../credentials.js';
import { deliver, planDelivery } from '../delivery.js';
import { resolveCredentials, type CredentialRequest } from '../engine/index.js';
import { StsenvError, usageError } from '../errors.js';
import { timeLeft } from '../time-left.js';
import { CREDENTIAL_VARIABLES, REQUEST_VARIABLE, ROLE_VARIABLE } from '../variables.js';
import { OUTPUT_OPTIONS } from './option-groups.js';
import { decodeRequest, type RecordedRequest } from './recorded-request.js';
import { assumeRoleRequest, sessionTokenRequest, webIdentityRequest } from './requests.js';

export type RefreshOptions = OptionValues<typeof OUTPUT_OPTIONS>;

/** The recorded request as its command would build it, asking STS again rather than the cache. */
function requestFor(recorded: RecordedRequest, ctx: Context): CredentialRequest {
  const options = { ...recorded.options, refresh: true };
  switch (recorded.command) {
    case 'assume':
      if (options.roleArn === undefined && options.profile === undefined)
        throw usageError(`${REQUEST_VARIABLE} names no role and no profile`, 'run stsenv assume ROLE again');
      return assumeRoleRequest(options, ctx.env);
    case 'session':
      return sessionTokenRequest(options);
    case 'web-identity':
      return webIdentityRequest(options, ctx.env);
  }
}

/**
 * Repeats the request recorded in STSENV_REQUEST (src/commands/recorded-request.ts)
 * and prints the new credentials for the shell. The credentials being replaced
 * sign nothing: the request starts from the profile or chain it started from.
 * A failure says the current credentials stay, in one line.
 */
export async function runRefresh(options: RefreshOptions, ctx: Context): Promise<number> {
  const text = ctx.env[REQUEST_VARIABLE];
  if (!text) {
    throw usageError(
      'nothing to refresh: this shell has no request stsenv recorded',
      'run stsenv assume ROLE (or session, web-identity) through the function of stsenv init, which records it; without it, run eval "$(stsenv assume ROLE)" again',
    );
  }
  const recorded = decodeRequest(text);
  const delivery = await planDelivery(options, ctx);
  const expiration = ctx.env.AWS_CREDENTIAL_EXPIRATION;
  const keeping = expiration ? `; the current credentials stay until ${expiration}` : '';
  if (recorded.signedWithEnvironmentKeys) {
    throw usageError(
      `cannot refresh ${recorded.label}: it was signed with keys from AWS_ACCESS_KEY_ID, which its credentials replaced${keeping}`,
      'assume it with --profile NAME (or AWS_PROFILE) so that it can be refreshed',
    );
  }
  const fresh = ctx.without([...CREDENTIAL_VARIABLES, ROLE_VARIABLE]);
  let result: Awaited<ReturnType<typeof resolveCredentials>>;
  try {
    result = await resolveCredentials(requestFor(recorded, fresh), fresh);
  } catch (error) {
    if (!(error instanceof StsenvError)) throw error;
    throw new StsenvError(`could not refresh ${recorded.label}: ${error.message}${keeping}`, error.exitCode, {
      hint: error.hint,
      code: error.code,
      cause: error,
    });
  }
  await deliver(delivery, { ...result, recorded: { request: text, label: recorded.label } }, ctx);
  const until = result.credentials.expiration;
  ctx.stderr.write(
    `stsenv: refreshed ${recorded.label}${until ? ` until ${isoSeconds(until)} (${timeLeft(until, ctx.now())} left)` : ''}\n`,
  );
  return 0;
}

export const refreshCommand: CommandSpec<RefreshOptions> = {
  name: 'refresh',
  describe:
    'Repeat the request of the credentials in this shell (recorded by the stsenv init function) and print new ones',
  options: OUTPUT_OPTIONS,
  shellLines: true,
  examples: [
    ['stsenv refresh', 'With the function of stsenv init: new credentials for the role this shell assumed'],
    ['eval "$(stsenv refresh)"', 'The same without the function (a script that sourced it)'],
  ],
  run: runRefresh,
};
