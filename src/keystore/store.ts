/**
 * The keystore: where a profile's long-term keys live instead of the
 * credentials file. The backend is the operating system's keystore, or the
 * encrypted file when STSENV_KEYSTORE=file chooses it; the index
 * (index-file.ts) says which profiles have keys where.
 */
import { mkdirSync } from 'node:fs';
import { arch } from 'node:os';
import { dirname } from 'node:path';
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { failure, usageError } from '../errors.js';
import { withLock } from '../files/file-lock.js';
import { writeFileAtomic } from '../files/safe-files.js';
import { MAX_BYTES, readTrusted } from '../files/trust.js';
import { fileBackend } from './file-backend.js';
import {
  forgetKeystoreIndex,
  keystoreEntry,
  keystoreFilePath,
  keystoreIndexPath,
  parseKeystoreIndex,
  readKeystoreIndex,
  type KeystoreBackend,
  type KeystoreEntry,
  type KeystoreIndex,
} from './index-file.js';
import { osBackend, osKeystoreName } from './os-backend.js';
import { askOnTerminal } from './terminal-questions.js';
import type { StoreBackend, StoredKeys } from './stored-keys.js';

/** What the keystore needs from the Context. */
export type KeystoreIo = Pick<Context, 'env' | 'platform' | 'local' | 'debug'>;

/** STSENV_KEYSTORE: unset or `os` for the operating system's keystore, `file` for the encrypted file. */
export function chosenBackend(env: NodeJS.ProcessEnv): KeystoreBackend {
  const value = env.STSENV_KEYSTORE?.trim().toLowerCase();
  if (!value || value === 'os') return 'os';
  if (value === 'file') return 'file';
  throw usageError(
    `invalid STSENV_KEYSTORE '${env.STSENV_KEYSTORE}'`,
    'use os (the default: the keystore of the operating system) or file (an encrypted file)',
  );
}

export function backendName(kind: KeystoreBackend, io: Pick<KeystoreIo, 'env' | 'platform'>): string {
  return kind === 'os' ? osKeystoreName(io.platform) : `the encrypted file ${keystoreFilePath(io.env)}`;
}

/** This run's map in `maps` (a run is its environment object), made on first use. */
function inRun<K, V>(maps: WeakMap<NodeJS.ProcessEnv, Map<K, V>>, env: NodeJS.ProcessEnv): Map<K, V> {
  let map = maps.get(env);
  if (!map) {
    map = new Map();
    maps.set(env, map);
  }
  return map;
}

/** One backend of each kind per run: the encrypted file is unlocked once however many profiles it gives. */
const opened = new WeakMap<NodeJS.ProcessEnv, Map<KeystoreBackend, Promise<StoreBackend>>>();

function backend(kind: KeystoreBackend, io: KeystoreIo): Promise<StoreBackend> {
  const backends = inRun(opened, io.env);
  let found = backends.get(kind);
  if (!found) {
    io.debug(`keystore: ${backendName(kind, io)}`);
    found =
      kind === 'os'
        ? osBackend(io, arch())
        : Promise.resolve(
            fileBackend(keystoreFilePath(io.env), {
              local: io.local,
              passphrase: (file, confirm) => askPassphrase(file, confirm, io.platform),
            }),
          );
    backends.set(kind, found);
  }
  return found;
}

async function askPassphrase(file: string, confirm: boolean, platform: NodeJS.Platform): Promise<string> {
  const questions = [{ prompt: `Passphrase for ${file}: `, secret: true }];
  if (confirm) questions.push({ prompt: 'The same passphrase again: ', secret: true });
  const answers = await askOnTerminal(platform, questions);
  if (!answers)
    throw usageError(
      `the encrypted keystore ${file} needs its passphrase and there is no terminal to ask on`,
      'run stsenv from a terminal',
    );
  if (answers[0] === '') throw usageError('the passphrase is empty', 'give a passphrase');
  if (confirm && answers[1] !== answers[0]) throw usageError('the two passphrases differ', 'try again');
  return answers[0]!;
}

/** Keys read in this run, by profile: `exec --server`'s renewals do not read (or prompt) again. */
const readInRun = new WeakMap<NodeJS.ProcessEnv, Map<string, Promise<Credentials>>>();

/** A profile's keys from the backend its index entry names, read once per run. */
export function readKeys(profile: string, io: KeystoreIo): Promise<Credentials> {
  const read = inRun(readInRun, io.env);
  let keys = read.get(profile);
  if (!keys) {
    keys = readKeysNow(profile, io);
    // A failure is not kept: the next attempt (a renewal) may find the keystore unlocked.
    keys.catch(() => read.delete(profile));
    read.set(profile, keys);
  }
  return keys;
}

async function readKeysNow(profile: string, io: KeystoreIo): Promise<Credentials> {
  const entry = keystoreEntry(io.env, io.local, profile);
  if (!entry)
    throw failure(`profile '${profile}' has no keys in the keystore`, { hint: `add them: stsenv keys add ${profile}` });
  const keys = await (await backend(entry.backend, io)).get(profile);
  if (!keys)
    throw failure(
      `${backendName(entry.backend, io)} has no keys for profile '${profile}', though stsenv put them there`,
      { hint: `add them again: stsenv keys add ${profile}` },
    );
  return { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
}

/** Changes the index under its lock (a concurrent keys command keeps its own change). */
async function updateIndex(io: KeystoreIo, change: (index: KeystoreIndex) => void): Promise<void> {
  const path = keystoreIndexPath(io.env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await withLock(path, io.local, () => {
    const { text, problem } = readTrusted(path, io.local, MAX_BYTES.keystoreFile);
    if (problem?.refuse) throw failure(`refusing to write the keystore index ${path}: it ${problem.why}`);
    const index = text === undefined ? (Object.create(null) as KeystoreIndex) : parseKeystoreIndex(text);
    change(index);
    writeFileAtomic(path, `${JSON.stringify({ version: 1, profiles: { ...index } }, null, 2)}\n`, io.local);
  });
  forgetKeystoreIndex(io.env);
}

/**
 * Stores `keys` for `profile` in the chosen backend, reads them back, then
 * names them in the index: a failure leaves the index as it was. The keys
 * the profile had in another backend are removed from it.
 */
export async function storeKeys(profile: string, keys: StoredKeys, io: KeystoreIo): Promise<string> {
  const kind = chosenBackend(io.env);
  const store = await backend(kind, io);
  await store.set(profile, keys);
  const back = await store.get(profile);
  if (back?.accessKeyId !== keys.accessKeyId || back.secretAccessKey !== keys.secretAccessKey) {
    throw failure(`${store.name} did not give back the keys just stored for profile '${profile}'`);
  }
  const before = keystoreEntry(io.env, io.local, profile);
  await updateIndex(io, (index) => {
    index[profile] = { accessKeyId: keys.accessKeyId, backend: kind };
  });
  if (before && before.backend !== kind) await (await backend(before.backend, io)).remove(profile);
  return store.name;
}

/** Removes a profile's keys from its backend and the index; undefined when it had none. */
export async function removeKeys(profile: string, io: KeystoreIo): Promise<string | undefined> {
  const entry = keystoreEntry(io.env, io.local, profile);
  if (!entry) return undefined;
  const store = await backend(entry.backend, io);
  await store.remove(profile);
  await updateIndex(io, (index) => {
    delete index[profile];
  });
  return store.name;
}

/** Every profile with keys in the keystore, by name. */
export function listKeys(io: KeystoreIo): Array<{ profile: string } & KeystoreEntry> {
  const index = readKeystoreIndex(io.env, io.local);
  return Object.keys(index)
    .sort()
    .map((profile) => ({ profile, ...index[profile]! }));
}
