import { EXAMPLE_ROLE, type CommandSpec, type OptionTable, type OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { deliver, planDelivery } from '../delivery.js';
import { resolveCredentials } from '../engine/index.js';
import { recordedOutput } from './recorded-request.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  durationOption,
  OUTPUT_OPTIONS,
  SESSION_NAME_OPTION,
  WRITE_PROFILE_OPTION,
} from './option-groups.js';
import { webIdentityRequest } from './requests.js';

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...SESSION_NAME_OPTION,
  ...durationOption('1h'),
  ...CACHE_OPTIONS,
  ...WRITE_PROFILE_OPTION,
  'token-file': {
    type: 'string',
    describe: 'File holding the OIDC token, - for standard input (default: AWS_WEB_IDENTITY_TOKEN_FILE)',
  },
  token: { type: 'string', describe: 'The OIDC token itself (visible in the process list: prefer --token-file)' },
} as const satisfies OptionTable;

export type WebIdentityOptions = OptionValues<typeof OPTIONS> & { roleArn?: string };

export async function runWebIdentity(options: WebIdentityOptions, ctx: Context): Promise<number> {
  const delivery = await planDelivery(options, ctx);
  const result = await resolveCredentials(webIdentityRequest(options, ctx.env), ctx);
  await deliver(delivery, { ...result, recorded: recordedOutput('web-identity', options, ctx, delivery) }, ctx);
  return 0;
}

export const webIdentityCommand: CommandSpec<WebIdentityOptions> = {
  name: 'web-identity',
  describe: 'Assume a role with an OIDC token (AssumeRoleWithWebIdentity); needs no base credentials',
  positionals: [{ name: 'role-arn', describe: 'Role to assume (default: AWS_ROLE_ARN)' }],
  options: OPTIONS,
  shellLines: true,
  examples: [
    [`eval "$(stsenv web-identity ${EXAMPLE_ROLE} --token-file /var/run/secrets/token)"`, 'In CI'],
    [
      `printf '%s' "$OIDC_TOKEN" | stsenv web-identity ${EXAMPLE_ROLE} --token-file - --shell json`,
      'The token from standard input (printf is a shell builtin: no process shows it)',
    ],
  ],
  run: runWebIdentity,
};
