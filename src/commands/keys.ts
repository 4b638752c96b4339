import type { CommandSpec, OptionTable, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { verifyKeys } from '../engine/index.js';
import { CONNECTION_OPTIONS } from './option-groups.js';
import { connectionRequest } from './requests.js';

const { profile: _profile, ...CONNECTION } = CONNECTION_OPTIONS;

const OPTIONS = {
  all: { type: 'boolean', describe: 'keys import: every profile with keys in the credentials file' },
  json: { type: 'boolean', describe: 'keys list as JSON for programs' },
  ...CONNECTION,
} as const satisfies OptionTable;

export type KeysOptions = OptionValues<typeof OPTIONS> & { action?: string; profile?: string };

/** `keys add|import|list|rm`: long-term keys in the operating system's keystore (README: Keys in the keystore). */
export async function runKeys(options: KeysOptions, ctx: Context): Promise<number> {
  const action = options.action as 'add' | 'import' | 'list' | 'rm';
  if (action !== 'import' && options.all) throw usageError('--all is for keys import');
  if (action !== 'list' && options.json) throw usageError('--json is for keys list');
  const { runKeysAction } = await import('../keystore/keystore.js');
  return runKeysAction({ action, profile: options.profile, all: options.all, json: options.json }, ctx, async () => {
    const { removeSectionKeys, sectionKeys, updateCredentialsFile } = await import('../config/credentials-file.js');
    return {
      // The connection's flags are checked when keys are verified, the one action that calls STS.
      verify: (keys, profile) => verifyKeys(keys, profile, connectionRequest(options), ctx),
      removeSectionKeys,
      sectionKeys,
      updateCredentialsFile,
    };
  });
}

export const keysCommand: CommandSpec<KeysOptions> = {
  name: 'keys',
  describe: "Keep profiles' long-term keys in the operating system's keystore (keys add, import, list, rm)",
  positionals: [
    { name: 'action', required: true, choices: ['add', 'import', 'list', 'rm'], describe: 'add, import, list or rm' },
    { name: 'profile', describe: 'The profile whose keys to add, import or remove' },
  ],
  options: OPTIONS,
  examples: [
    ['stsenv keys add dev', "Asks for dev's access key id and secret and stores them in the keystore"],
    ['stsenv keys import --all', "Moves every profile's keys from ~/.aws/credentials into the keystore"],
    ['stsenv keys list', 'The profiles with keys in the keystore'],
    ['stsenv keys rm dev', "Removes dev's keys from the keystore"],
  ],
  run: runKeys,
};
