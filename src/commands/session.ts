import type { CommandSpec, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { deliver, planDelivery } from '../delivery.js';
import { resolveCredentials } from '../engine/index.js';
import { recordedOutput } from './recorded-request.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  durationOption,
  MFA_OPTIONS,
  OUTPUT_OPTIONS,
  PROMPT_OPTION,
  WRITE_PROFILE_OPTION,
} from './option-groups.js';
import { sessionTokenRequest } from './requests.js';

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...durationOption('12h'),
  ...MFA_OPTIONS,
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  ...WRITE_PROFILE_OPTION,
} as const;

export type SessionOptions = OptionValues<typeof OPTIONS>;

/** GetSessionToken with the base's long-term keys, with MFA when a serial is known. */
export async function runSession(options: SessionOptions, ctx: Context): Promise<number> {
  const delivery = await planDelivery(options, ctx);
  const result = await resolveCredentials(sessionTokenRequest(options), ctx);
  await deliver(delivery, { ...result, recorded: recordedOutput('session', options, ctx, delivery) }, ctx);
  return 0;
}

export const sessionCommand: CommandSpec<SessionOptions> = {
  name: 'session',
  describe: 'Get a session token (GetSessionToken), with MFA if you give it',
  options: OPTIONS,
  shellLines: true,
  examples: [
    [
      'eval "$(stsenv session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456)"',
      'An MFA session for 12 hours',
    ],
  ],
  run: runSession,
};
