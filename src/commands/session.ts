import { type CommandSpec, connectionOptions, durationOption, mfaOptions, outputOptions } from '../cli-options.js';
import type { Context } from '../context.js';
import { durationFor } from '../duration.js';
import { chooseFormat, writeCredentials, type OutputOptions } from '../output.js';
import { resolveTarget, type ConnectionOptions } from '../target.js';
import { mfaInput, type MfaOptions } from './assume.js';
import { reporter } from './reporter.js';

export interface SessionOptions extends OutputOptions, ConnectionOptions, MfaOptions {
  duration?: string;
}

export function sessionTokenInput(options: SessionOptions): { DurationSeconds: number; SerialNumber?: string; TokenCode?: string } {
  return { DurationSeconds: durationFor('GetSessionToken', options.duration ?? '12h'), ...mfaInput(options) };
}

export async function runSession(options: SessionOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(options, ctx);
  const input = sessionTokenInput(options);
  const target = await resolveTarget(options, ctx.env);
  const sts = await import('../aws/sts.js');
  const issued = await sts.getSessionToken(target, reporter(ctx), input, ctx.now());
  writeCredentials(ctx, format, issued.credentials, target.regionKnown ? target.region : undefined, options);
  return 0;
}

export const sessionCommand: CommandSpec = {
  command: 'session',
  describe: 'Get a session token (GetSessionToken), with MFA if you give it',
  builder: (y) =>
    mfaOptions(durationOption(connectionOptions(outputOptions(y)), '12h')).example(
      'eval "$(stsenv session --mfa-serial arn:aws:iam::123456789012:mfa/me --token-code 123456)"',
      'An MFA session for 12 hours',
    ),
  run: (argv, ctx) => runSession(argv as SessionOptions, ctx),
};
