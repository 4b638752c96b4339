/**
 * The keystore binding's win32-x64 package for the Windows tests under Wine,
 * with a test-only stand-in for bcryptprimitives.dll: Wine 8 has none, and the
 * Rust-built binding imports ProcessPrng from it. The stand-in is built here
 * with mingw-w64 (test/support/windows/process-prng.c) and never shipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findShell, testCacheDir, which } from './shells.js';

export const MINGW = 'x86_64-w64-mingw32-gcc';
export const KEYRING_WINDOWS_PACKAGE = '@napi-rs/keyring-win32-x64-msvc';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  }
).optionalDependencies[KEYRING_WINDOWS_PACKAGE]!;

/** Why the Windows keystore tests cannot run here, or undefined. */
export function windowsKeyringMissing(): string | undefined {
  if (!findShell('cmd')) return 'wine is not installed';
  if (!which(MINGW)) return `${MINGW} is not installed (apt-get install gcc-mingw-w64-x86-64-win32)`;
  return undefined;
}

/**
 * The binding's win32-x64 package (npm pack: its "os" keeps npm install from
 * taking it on Linux) with the stand-in bcryptprimitives.dll beside its .node
 * file, made once in the test cache folder.
 */
export function windowsKeyringPackage(): string {
  const target = join(testCacheDir(), `keyring-win32-x64-msvc-${VERSION}`);
  if (existsSync(join(target, 'bcryptprimitives.dll'))) return target;
  const work = mkdtempSync(join(tmpdir(), 'stsenv-keyring-win-'));
  try {
    const pack = spawnSync(
      'npm',
      ['pack', `${KEYRING_WINDOWS_PACKAGE}@${VERSION}`, '--cache', join(work, 'npm-cache'), '--loglevel=error'],
      { cwd: work, encoding: 'utf8' },
    );
    if (pack.status !== 0) throw new Error(`npm pack ${KEYRING_WINDOWS_PACKAGE}@${VERSION} failed: ${pack.stderr}`);
    const tar = spawnSync('tar', ['xzf', pack.stdout.trim().split('\n').pop()!], { cwd: work, encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`unpacking ${KEYRING_WINDOWS_PACKAGE} failed: ${tar.stderr}`);
    const source = fileURLToPath(new URL('windows/process-prng.c', import.meta.url));
    const cc = spawnSync(
      MINGW,
      ['-O2', '-shared', '-s', '-o', join(work, 'package', 'bcryptprimitives.dll'), source, '-ladvapi32'],
      { encoding: 'utf8' },
    );
    if (cc.status !== 0) throw new Error(`${MINGW} failed: ${cc.stderr}`);
    mkdirSync(testCacheDir(), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(join(work, 'package'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
