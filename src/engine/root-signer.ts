/**
 * A plan's root made ready to sign, only when a call must be signed (never
 * for a cache hit): keys in the keystore read from it, a credential_process
 * run.
 */
import { sharedConfig, type ProfileData } from '../config/shared-files.js';
import { ownRoot } from '../config/profiles.js';
import type { Context } from '../context.js';
import { failure } from '../errors.js';
import type { Root } from './plan.js';
import type { Signer } from './target.js';

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

/** Who signs with a root's credentials, a credential_process's run now. */
export async function rootSigner(root: Root, ctx: Context): Promise<Signer> {
  // A keystore root is unlocked first (unlockRoot): its keys are read only when a call is signed.
  if (root.kind === 'keystore') throw new Error(`internal: the keys of ${root.label} were not read before signing`);
  const command =
    root.kind === 'process'
      ? root
      : root.kind === 'sdk' && root.profile === undefined
        ? defaultChainProcess(ctx.env)
        : undefined;
  if (command) {
    const { processCredentials } = await import('./process-credentials.js');
    const credentials = await processCredentials(command, ctx);
    return {
      credentials,
      label: `${root.label} (credential_process of profile '${command.profile}', access key ${credentials.accessKeyId})`,
    };
  }
  return root.kind === 'sdk'
    ? { profile: root.profile, label: root.label }
    : root.kind === 'keys'
      ? { credentials: root.credentials, label: root.label }
      : { label: root.label };
}

/**
 * The credential_process of profile `default` when the SDK's default chain
 * would reach it, as it would: no key variables (the root would be them), and
 * no keys, web identity token file, SSO or role in that profile.
 */
function defaultChainProcess(env: NodeJS.ProcessEnv): { profile: string; command: string } | undefined {
  let data: ProfileData | undefined;
  try {
    data = sharedConfig(env).profile('default');
  } catch {
    return undefined;
  }
  // The default chain asks SSO before it reads the profile's other settings.
  if (!data || data.role_arn || data.sso_session || data.sso_start_url) return undefined;
  const own = ownRoot('default', data);
  return own.kind === 'process' ? own : undefined;
}
