/**
 * STSENV_KEYSTORE=file: keys in one file encrypted with a passphrase, for
 * machines without a keystore service (servers, CI), chosen on purpose.
 * node:crypto does the work: scrypt (memory-hard) derives a key from the
 * passphrase and a random salt, AES-256-GCM encrypts each profile's keys with
 * the profile's name as associated data (an item moved to another profile
 * fails), and a check item tells a wrong passphrase from a damaged file.
 * The file is 0600 and replaced whole under a lock, as the credentials file is.
 */
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scrypt as scryptCallback,
  type ScryptOptions,
} from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalProcess } from '../context.js';
import { failure, usageError } from '../errors.js';
import { withLock } from '../files/file-lock.js';
import { writeFileAtomic } from '../files/safe-files.js';
import { MAX_BYTES, readTrusted } from '../files/trust.js';
import { parseStoredKeys, type StoredKeys, type StoreBackend } from './stored-keys.js';

/** scrypt's cost: 64 MiB and a few hundred milliseconds per unlock, once per run. */
const KDF = { N: 2 ** 16, r: 8, p: 1 } as const;
const MAX_MEM = 256 * 1024 * 1024;
const CHECK = 'stsenv keystore';

interface Sealed {
  iv: string;
  data: string;
  tag: string;
}

interface KeyFile {
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  check: Sealed;
  profiles: Record<string, Sealed>;
}

/** Asks for the passphrase; `confirm` when the file is new (typed twice). */
export type PassphraseSource = (file: string, confirm: boolean) => Promise<string>;

function derive(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: MAX_MEM };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase.normalize('NFC'), salt, 32, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function seal(key: Buffer, aad: string, plain: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** The plain text, or undefined when the tag does not verify (wrong key, or changed bytes). */
function open(key: Buffer, aad: string, sealed: Sealed): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

const profileAad = (profile: string) => `stsenv-keys\0profile\0${profile}`;
const CHECK_AAD = 'stsenv-keys\0check';

function isSealed(value: unknown): value is Sealed {
  const v = value as Partial<Sealed> | undefined;
  return typeof v?.iv === 'string' && typeof v.data === 'string' && typeof v.tag === 'string';
}

function damaged(file: string, what: string) {
  return failure(`the encrypted keystore ${file} is damaged or was changed by something other than stsenv (${what})`, {
    hint: 'restore it from a backup, or remove it and add the keys again',
  });
}

function parseKeyFile(file: string, text: string): KeyFile {
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<KeyFile>;
  } catch {
    throw damaged(file, 'not JSON');
  }
  const kdf = parsed.kdf;
  const sane = (n: unknown, max: number) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= max;
  if (
    parsed.version !== 1 ||
    kdf?.name !== 'scrypt' ||
    typeof kdf.salt !== 'string' ||
    !sane(kdf.N, 2 ** 20) ||
    (kdf.N & (kdf.N - 1)) !== 0 ||
    !sane(kdf.r, 32) ||
    !sane(kdf.p, 16) ||
    !isSealed(parsed.check) ||
    typeof parsed.profiles !== 'object' ||
    parsed.profiles === null ||
    !Object.values(parsed.profiles).every(isSealed)
  ) {
    throw damaged(file, 'its structure');
  }
  return parsed as KeyFile;
}

export interface FileBackendIo {
  local: LocalProcess;
  passphrase: PassphraseSource;
}

/** The encrypted file at `file`: unlocked once per run (the derived key is kept for the backend's life). */
export function fileBackend(file: string, io: FileBackendIo): StoreBackend {
  let unlocked: { salt: string; key: Buffer } | undefined;

  const read = (): KeyFile | undefined => {
    const { text, problem } = readTrusted(file, io.local, MAX_BYTES.keystoreFile);
    if (problem?.refuse) throw failure(`refusing to read the encrypted keystore ${file}: it ${problem.why}`);
    return text === undefined ? undefined : parseKeyFile(file, text);
  };

  /** The key for `keys`' salt, asking for the passphrase the first time. */
  const keyFor = async (keys: KeyFile): Promise<Buffer> => {
    if (unlocked?.salt === keys.kdf.salt) return unlocked.key;
    const key = await derive(await io.passphrase(file, false), Buffer.from(keys.kdf.salt, 'base64'), keys.kdf);
    if (open(key, CHECK_AAD, keys.check) !== CHECK)
      throw usageError(
        `wrong passphrase for the encrypted keystore ${file}`,
        'try again; the passphrase is the one given when the file was made',
      );
    unlocked = { salt: keys.kdf.salt, key };
    return key;
  };

  const fresh = async (): Promise<{ keys: KeyFile }> => {
    const passphrase = await io.passphrase(file, true);
    const salt = randomBytes(16).toString('base64');
    const key = await derive(passphrase, Buffer.from(salt, 'base64'), KDF);
    unlocked = { salt, key };
    return {
      keys: { version: 1, kdf: { name: 'scrypt', ...KDF, salt }, check: seal(key, CHECK_AAD, CHECK), profiles: {} },
    };
  };

  /**
   * One read-change-write under the lock: concurrent writers each keep the other's profiles. The
   * passphrase is asked for before the lock is taken (another writer must not wait on a person);
   * a file made or replaced meanwhile, under another salt, is unlocked and tried again.
   */
  const update = async <T>(change: (keys: KeyFile, key: Buffer) => T): Promise<T> => {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = read();
      const made = before ? undefined : await fresh();
      if (before) await keyFor(before);
      const done = await withLock(file, io.local, () => {
        const current = read();
        let keys: KeyFile;
        if (current) {
          if (unlocked?.salt !== current.kdf.salt) return undefined;
          keys = current;
        } else {
          if (!made) return undefined;
          keys = made.keys;
        }
        const result = change(keys, unlocked!.key);
        writeFileAtomic(file, `${JSON.stringify(keys)}\n`, io.local);
        return { result };
      });
      if (done) return done.result;
    }
    throw failure(`the encrypted keystore ${file} kept changing while stsenv wrote it`, { hint: 'try again' });
  };

  return {
    name: `the encrypted file ${file}`,
    async get(profile: string): Promise<StoredKeys | undefined> {
      const keys = read();
      if (!keys || !Object.hasOwn(keys.profiles, profile)) return undefined;
      const key = await keyFor(keys);
      const text = open(key, profileAad(profile), keys.profiles[profile]!);
      if (text === undefined) throw damaged(file, `the item of profile '${profile}' does not verify`);
      return parseStoredKeys(text, `the item of profile '${profile}' in ${file}`);
    },
    async set(profile: string, stored: StoredKeys): Promise<void> {
      await update((keys, key) => {
        keys.profiles[profile] = seal(
          key,
          profileAad(profile),
          JSON.stringify({ accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey }),
        );
      });
    },
    async remove(profile: string): Promise<boolean> {
      const keys = read();
      if (!keys || !Object.hasOwn(keys.profiles, profile)) return false;
      return update((current) => {
        const had = Object.hasOwn(current.profiles, profile);
        delete current.profiles[profile];
        return had;
      });
    },
  };
}
