/**
 * Profiles whose keys are in the keystore, as the engine sees them: the
 * index (no secret, no native code) while a plan is built and its cache
 * looked up, the keystore itself only when a call must be signed.
 */
import type { Context } from '../context.js';
import { failure } from '../errors.js';
import { keystoreEntry } from '../keystore/index-file.js';
import type { KeystoreLookup } from '../config/profiles.js';
import type { Root } from './plan.js';

/** The access key id of a profile's keys in the keystore; the index is read the first time a profile without keys in the files asks. */
export function keystoreLookup(ctx: Context): KeystoreLookup {
  return (profile) => keystoreEntry(ctx.env, ctx.local, profile)?.accessKeyId;
}

/** The root with its keys: a keystore root is read from the keystore now (one read per run); any other is as it was. */
export async function unlockRoot(root: Root, ctx: Context): Promise<Root> {
  if (root.kind !== 'keystore') return root;
  const { readKeys } = await import('../keystore/keystore.js');
  const keys = await readKeys(root.profile, ctx);
  if (keys.accessKeyId !== root.accessKeyId) {
    throw failure(
      `the keystore holds access key ${keys.accessKeyId} for profile '${root.profile}', but its index says ${root.accessKeyId}`,
      {
        hint: `add the keys again: stsenv keys add ${root.profile}`,
      },
    );
  }
  ctx.debug(`base credentials: ${root.label}`);
  return { kind: 'keys', credentials: keys, key: root.key, label: root.label };
}
