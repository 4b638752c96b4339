/** What the keystore holds for a profile, whichever backend holds it. */
import { failure } from '../errors.js';

export interface StoredKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A backend: the OS keystore or the encrypted file. */
export interface StoreBackend {
  /** For messages: `the Secret Service (...)`, `the encrypted file PATH`. */
  readonly name: string;
  get(profile: string): Promise<StoredKeys | undefined>;
  set(profile: string, keys: StoredKeys): Promise<void>;
  remove(profile: string): Promise<boolean>;
}

export const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** An access key id as `AKIA…WXYZ`: enough to tell keys apart, for lists and messages. */
export function shortKeyId(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : accessKeyId;
}

/** The keys of an item, checked: another program may have written it. */
export function parseStoredKeys(text: string, where: string): StoredKeys {
  let parsed: Partial<StoredKeys> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<StoredKeys>;
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed?.accessKeyId !== 'string' ||
    !ACCESS_KEY_ID.test(parsed.accessKeyId) ||
    typeof parsed.secretAccessKey !== 'string' ||
    parsed.secretAccessKey === ''
  ) {
    throw failure(`${where} does not hold stsenv's keys`, {
      hint: 'remove it with stsenv keys rm, then add the keys again',
    });
  }
  return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
}
