/**
 * The shared config and credentials files (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials),
 * read with the SDK's own loader so stsenv sees what the SDKs see. Only
 * @smithy/core/config is loaded, not the SDK's clients.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkSharedFile } from './file-check.js';

/** One profile's keys as the loader gives them (config and credentials merged). */
export type ProfileData = Record<string, string | undefined>;
export type Profiles = Record<string, ProfileData>;

/** Read once per run: the environment object is the run's (a Context's). */
const loaded = new WeakMap<NodeJS.ProcessEnv, Promise<Profiles>>();

/** Both files merged by profile name, values in the credentials file winning. */
export function loadProfiles(env: NodeJS.ProcessEnv): Promise<Profiles> {
  let profiles = loaded.get(env);
  if (!profiles) {
    profiles = (async () => {
      const configFilepath = configFilePath(env);
      const filepath = credentialsFilePath(env);
      checkSharedFile(configFilepath, 'AWS config file', 'AWS_CONFIG_FILE');
      checkSharedFile(filepath, 'AWS credentials file', 'AWS_SHARED_CREDENTIALS_FILE');
      const { parseKnownFiles } = await import('@smithy/core/config');
      return (await parseKnownFiles({ filepath, configFilepath, ignoreCache: true })) as Profiles;
    })();
    loaded.set(env, profiles);
  }
  return profiles;
}

/**
 * The [sso-session NAME] sections of the config file, by NAME. The SDK's
 * loader keeps them out of the profiles (parseKnownFiles files them under
 * 'sso-session.NAME'); its loadSsoSessionData is what its SSO providers read.
 */
export async function loadSsoSessions(env: NodeJS.ProcessEnv): Promise<Profiles> {
  // Checks the files first, as for the profiles.
  await loadProfiles(env);
  const { loadSsoSessionData } = await import('@smithy/core/config');
  return (await loadSsoSessionData({ configFilepath: configFilePath(env) })) as Profiles;
}

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return env.AWS_CONFIG_FILE || join(env.HOME || homedir(), '.aws', 'config');
}

export function credentialsFilePath(env: NodeJS.ProcessEnv): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(env.HOME || homedir(), '.aws', 'credentials');
}
