/**
 * Which profiles have keys in the keystore, and each one's access key id:
 * a small JSON file beside the credentials file, with no secret in it. The
 * engine reads it (and only it) to build a plan and its cache keys, so that
 * a cache hit never opens the keystore and a run that uses no keystore
 * profile never loads the keystore's native code.
 */
import { dirname, join } from 'node:path';
import { credentialsFilePath } from '../config/shared-files.js';
import type { LocalProcess } from '../context.js';
import { failure } from '../errors.js';
import { MAX_BYTES, readTrusted } from '../files/trust.js';

/** Where a profile's keys are: the operating system's keystore, or the encrypted file (STSENV_KEYSTORE=file). */
export type KeystoreBackend = 'os' | 'file';

export interface KeystoreEntry {
  accessKeyId: string;
  backend: KeystoreBackend;
}

export type KeystoreIndex = Record<string, KeystoreEntry>;

/** The index beside the credentials file: a test's (or a user's) AWS_SHARED_CREDENTIALS_FILE keeps its own. */
export function keystoreIndexPath(env: NodeJS.ProcessEnv): string {
  return join(dirname(credentialsFilePath(env)), 'stsenv-keys.json');
}

/** The encrypted file of STSENV_KEYSTORE=file: STSENV_KEYSTORE_FILE, else beside the credentials file. */
export function keystoreFilePath(env: NodeJS.ProcessEnv): string {
  return env.STSENV_KEYSTORE_FILE || join(dirname(credentialsFilePath(env)), 'stsenv-keys.enc');
}

/** Read once per run, as the shared files are. */
const read = new WeakMap<NodeJS.ProcessEnv, KeystoreIndex>();

/** Parses the index text; anything that is not an entry is dropped rather than trusted. */
export function parseKeystoreIndex(text: string): KeystoreIndex {
  const index: KeystoreIndex = Object.create(null);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return index;
  }
  const profiles = (parsed as { profiles?: unknown })?.profiles;
  if (typeof profiles !== 'object' || profiles === null) return index;
  for (const [name, entry] of Object.entries(profiles)) {
    const { accessKeyId, backend } = (entry ?? {}) as Partial<KeystoreEntry>;
    if (
      typeof accessKeyId === 'string' &&
      /^[A-Z0-9]{16,128}$/.test(accessKeyId) &&
      (backend === 'os' || backend === 'file')
    )
      index[name] = { accessKeyId, backend };
  }
  return index;
}

export function readKeystoreIndex(env: NodeJS.ProcessEnv, local: LocalProcess): KeystoreIndex {
  let index = read.get(env);
  if (!index) {
    const path = keystoreIndexPath(env);
    const { text, problem } = readTrusted(path, local, MAX_BYTES.keystoreFile);
    if (problem?.refuse)
      throw failure(`refusing to read the keystore index ${path}: it ${problem.why}`, {
        hint: 'remove it, then add the keys again with stsenv keys add',
      });
    index = text === undefined ? (Object.create(null) as KeystoreIndex) : parseKeystoreIndex(text);
    read.set(env, index);
  }
  return index;
}

/** Forgets what this run read, after the keys commands changed the index. */
export function forgetKeystoreIndex(env: NodeJS.ProcessEnv): void {
  read.delete(env);
}

export function keystoreEntry(env: NodeJS.ProcessEnv, local: LocalProcess, profile: string): KeystoreEntry | undefined {
  const index = readKeystoreIndex(env, local);
  return Object.hasOwn(index, profile) ? index[profile] : undefined;
}
