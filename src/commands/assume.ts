import { EXAMPLE_ROLE, type CommandSpec, type OptionValues } from './spec.js';
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
  ROLE_REQUEST_OPTIONS,
  SESSION_NAME_OPTION,
  WRITE_PROFILE_OPTION,
} from './option-groups.js';
import { assumeRoleRequest, cacheSettings, connectionRequest, mfaRequest } from './requests.js';
import type { CredentialRequest } from '../engine/index.js';

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...SESSION_NAME_OPTION,
  ...durationOption('1h'),
  ...ROLE_REQUEST_OPTIONS,
  ...MFA_OPTIONS,
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  ...WRITE_PROFILE_OPTION,
} as const;

export type AssumeOptions = OptionValues<typeof OPTIONS> & { roleArn?: string };

/**
 * `assume ROLE` signs with the chosen profile or the default chain;
 * `assume --profile P` assumes P's own role with P's settings, flags
 * overriding them (the engine decides which: src/engine/build-plan.ts).
 */
export async function runAssume(options: AssumeOptions, ctx: Context): Promise<number> {
  const delivery = await planDelivery(options, ctx);
  let request: CredentialRequest = assumeRoleRequest(options, ctx.env);
  // Neither a role nor --profile: the user picks a role profile on the terminal (src/picker/).
  if (options.roleArn === undefined && options.profile === undefined && options.prompt !== false) {
    const { pickRoleProfile } = await import('../picker/pick-profile.js');
    const picked = await pickRoleProfile(ctx);
    if (picked.kind === 'cancelled') return picked.exitCode;
    if (picked.kind === 'picked') {
      const chosen = { ...options, profile: picked.profile };
      // An SSO profile is an account and role already: its credentials are the answer, as `export --profile` gives them.
      request = picked.sso
        ? {
            kind: 'profile',
            mfa: mfaRequest(chosen),
            connection: connectionRequest(chosen),
            cache: cacheSettings(chosen),
          }
        : assumeRoleRequest(chosen, ctx.env);
    }
  }
  const result = await resolveCredentials(request, ctx);
  // The picker's profile is part of the request to repeat.
  const asRequested =
    request.connection.profile === options.profile ? options : { ...options, profile: request.connection.profile };
  await deliver(delivery, { ...result, recorded: recordedOutput('assume', asRequested, ctx, delivery) }, ctx);
  return 0;
}

export const assumeCommand: CommandSpec<AssumeOptions> = {
  name: 'assume',
  describe: 'Assume a role (AssumeRole) and print the credentials',
  positionals: [
    {
      name: 'role-arn',
      describe: 'Role to assume (default: role_arn of --profile; neither, on a terminal: pick a role profile)',
    },
  ],
  options: OPTIONS,
  shellLines: true,
  examples: [
    [`eval "$(stsenv assume ${EXAMPLE_ROLE})"`, 'Assume a role in bash or zsh'],
    [`stsenv assume ${EXAMPLE_ROLE} -s fish | source`, 'The same in fish'],
    [`stsenv assume ${EXAMPLE_ROLE} --duration 15m --tag team=ops`, 'Short session with a session tag'],
    ['eval "$(stsenv assume --profile prod-admin)"', 'The role of a profile in ~/.aws/config'],
    ['eval "$(stsenv assume)"', 'Pick a role profile from a list on the terminal'],
  ],
  run: runAssume,
};
