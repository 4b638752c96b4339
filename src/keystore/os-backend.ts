/**
 * The operating system's keystore through @napi-rs/keyring (keyring-rs):
 * the Secret Service on Linux (gnome-keyring, KWallet, KeePassXC), the
 * Keychain on macOS, Credential Manager on Windows. One item per profile
 * (service `stsenv`, account the profile's name), holding the key id and
 * its secret as JSON. Its native code is a prebuilt package per platform
 * (README: Keys in the keystore), loaded here and nowhere else.
 */
import { oneLine } from '../aws/errors.js';
import { failure, type StsenvError } from '../errors.js';
import type { StoredKeys, StoreBackend } from './stored-keys.js';
import { parseStoredKeys } from './stored-keys.js';

const SERVICE = 'stsenv';

type EntryClass = typeof import('@napi-rs/keyring').Entry;

/** The keystore this platform has, as people know it. */
export function osKeystoreName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'the Secret Service (org.freedesktop.secrets on the D-Bus session bus)';
}

function unreachable(platform: NodeJS.Platform, reason: string): StsenvError {
  const start =
    platform === 'linux' || platform === 'freebsd'
      ? 'start a Secret Service in your session (gnome-keyring-daemon, KWallet, KeePassXC)'
      : 'unlock it';
  return failure(
    `no keystore reachable: ${osKeystoreName(platform)} did not answer (${oneLine(reason).slice(0, 200)})`,
    {
      hint: `${start}, or choose the encrypted file with STSENV_KEYSTORE=file`,
    },
  );
}

async function loadEntry(platform: NodeJS.Platform, arch: string): Promise<EntryClass> {
  try {
    // Named, so that the build keeps only what is used of the binding (build.mjs).
    const { Entry } = await import('@napi-rs/keyring');
    return Entry;
  } catch (error) {
    throw failure(
      `no keystore reachable: the native part of ${osKeystoreName(platform)}'s binding is not installed for ${platform}-${arch}`,
      {
        cause: error,
        hint: 'reinstall stsenv with its optional dependencies (npm install -g stsenv --include=optional), or choose the encrypted file with STSENV_KEYSTORE=file',
      },
    );
  }
}

export async function osBackend(platform: NodeJS.Platform, arch: string): Promise<StoreBackend> {
  const Entry = await loadEntry(platform, arch);
  const entry = (profile: string) => {
    try {
      // The Secret Service or an error: never keyring-rs's silent fallback to the kernel keyring, which forgets at reboot.
      return new Entry(SERVICE, profile, { linux: { store: 'secret-service' } });
    } catch (error) {
      throw unreachable(platform, (error as Error).message);
    }
  };
  const call = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw unreachable(platform, (error as Error).message);
    }
  };
  return {
    name: osKeystoreName(platform),
    async get(profile: string): Promise<StoredKeys | undefined> {
      const text = call(() => entry(profile).getPassword());
      if (text === null || text === undefined) return undefined;
      return parseStoredKeys(text, `the item of profile '${profile}' in ${osKeystoreName(platform)}`);
    },
    async set(profile: string, keys: StoredKeys): Promise<void> {
      call(() =>
        entry(profile).setPassword(
          JSON.stringify({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }),
        ),
      );
    },
    async remove(profile: string): Promise<boolean> {
      return call(() => entry(profile).deleteCredential());
    },
  };
}
