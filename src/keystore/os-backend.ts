/**
 * The operating system's keystore through @napi-rs/keyring (keyring-rs):
 * the Secret Service on Linux (gnome-keyring, KWallet, KeePassXC), the
 * Keychain on macOS, Credential Manager on Windows. One item per profile
 * (service `stsenv`, account the profile's name), holding the key id and
 * its secret as JSON. Its native code is a prebuilt package per platform
 * (README: Keys in the keystore), loaded here and nowhere else; a single
 * executable carries its own platform's (embedded-binding.ts).
 */
import { oneLine } from '../aws/errors.js';
import { failure, type StsenvError } from '../errors.js';
import { type EmbeddedIo, loadEmbeddedBinding, nativeFolder } from './embedded-binding.js';
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

async function loadEntry(io: EmbeddedIo, arch: string): Promise<EntryClass> {
  const sea = globalThis.__stsenvSea;
  if (sea) {
    try {
      return loadEmbeddedBinding(sea, io).Entry;
    } catch (error) {
      throw failure(
        `no keystore reachable: the native part of ${osKeystoreName(io.platform)}'s binding in this executable could not be loaded (${oneLine((error as Error).message).slice(0, 300)})`,
        {
          cause: error,
          hint: `${nativeFolder(io.env, io.platform)} must be a folder of yours only you can write, on a file system that allows running programs; or choose the encrypted file with STSENV_KEYSTORE=file`,
        },
      );
    }
  }
  try {
    // Named, so that the build keeps only what is used of the binding (build.mjs).
    const { Entry } = await import('@napi-rs/keyring');
    return Entry;
  } catch (error) {
    throw failure(
      `no keystore reachable: the native part of ${osKeystoreName(io.platform)}'s binding is not installed for ${io.platform}-${arch}`,
      {
        cause: error,
        hint: 'reinstall stsenv with its optional dependencies (npm install -g stsenv --include=optional), or choose the encrypted file with STSENV_KEYSTORE=file',
      },
    );
  }
}

export async function osBackend(io: EmbeddedIo, arch: string): Promise<StoreBackend> {
  const { platform } = io;
  const Entry = await loadEntry(io, arch);
  // The Secret Service or an error: never keyring-rs's silent fallback to the kernel keyring, which forgets at reboot.
  const entry = (profile: string) => new Entry(SERVICE, profile, { linux: { store: 'secret-service' } });
  // Every use of an entry, its making included: one message for a keystore that does not answer.
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
