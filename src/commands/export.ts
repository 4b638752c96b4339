import type { CommandSpec, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { deliver, planDelivery } from '../delivery.js';
import { resolveCredentials } from '../engine/index.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  MFA_OPTIONS,
  OUTPUT_OPTIONS,
  PROMPT_OPTION,
  WRITE_PROFILE_OPTION,
} from './option-groups.js';
import { cacheSettings, connectionRequest, mfaRequest } from './requests.js';

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...MFA_OPTIONS,
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  ...WRITE_PROFILE_OPTION,
} as const;

export type ExportOptions = OptionValues<typeof OPTIONS>;

/**
 * The credentials a profile (or the default chain) gives, printed in any
 * format, like `aws configure export-credentials`.
 */
export async function runExport(options: ExportOptions, ctx: Context): Promise<number> {
  const delivery = await planDelivery(options, ctx);
  const cache = cacheSettings(options);
  const request = { kind: 'profile', mfa: mfaRequest(options), connection: connectionRequest(options), cache } as const;
  const result = await resolveCredentials(request, ctx);
  await deliver(delivery, result, ctx);
  return 0;
}

export const exportCommand: CommandSpec<ExportOptions> = {
  name: 'export',
  describe: 'Print the credentials a profile or the default chain gives (like aws configure export-credentials)',
  options: OPTIONS,
  shellLines: true,
  examples: [
    ['eval "$(stsenv export --profile dev)"', 'The credentials of profile dev, as variables'],
    ['stsenv export --profile sso-admin --shell json', 'As credential_process JSON'],
  ],
  run: runExport,
};
