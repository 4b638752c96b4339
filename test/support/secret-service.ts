/**
 * A real Secret Service for the tests: a private D-Bus session bus
 * (dbus-daemon) with gnome-keyring-daemon on it, its login keyring made and
 * unlocked with a test passphrase given on stdin. Started and ended by the
 * test file; nothing of the developer's own session is touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './shells.js';

export interface SecretService {
  /** The variables a process needs to reach this Secret Service (and this one only). */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

/** undefined when dbus-daemon or gnome-keyring-daemon is not installed (Debian: dbus, gnome-keyring). */
export function secretServiceMissing(): string | undefined {
  for (const program of ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool']) {
    if (!which(program)) return `${program} is not installed (apt-get install dbus gnome-keyring libsecret-tools)`;
  }
  return undefined;
}

export async function startSecretService(home: string): Promise<SecretService> {
  const runtime = join(home, 'runtime');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const base = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(home, 'data'),
    LANG: 'C.UTF-8',
  };
  const bus = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], {
    env: base,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (bus.status !== 0) throw new Error(`dbus-daemon did not start: ${bus.stderr}`);
  const [address, pid] = bus.stdout.trim().split('\n');
  const busPid = Number(pid);
  const env = { ...base, DBUS_SESSION_BUS_ADDRESS: address! };
  const keyring: ChildProcess = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  keyring.stdin!.end('stsenv-test-passphrase');
  const stop = () => {
    keyring.kill('SIGTERM');
    try {
      process.kill(busPid, 'SIGTERM');
    } catch {
      // gone already
    }
  };
  // Ready when the Secret Service's name has an owner on the bus.
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = spawnSync(
      'dbus-send',
      [
        '--session',
        '--dest=org.freedesktop.DBus',
        '--print-reply',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.secrets',
      ],
      { env, encoding: 'utf8', timeout: 10_000 },
    );
    if (/boolean true/.test(probe.stdout)) return { env, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stop();
  throw new Error('gnome-keyring-daemon did not answer on the private bus');
}
