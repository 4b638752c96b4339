import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, the file package.json's bin names: tests run what users run (`npm test` builds first). */
export const CLI = fileURLToPath(new URL('../../dist/stsenv.cjs', import.meta.url));

export const BASE_ACCESS_KEY_ID = 'AKIDBASEEXAMPLE00001';
export const BASE_SECRET_ACCESS_KEY = 'base/secret+EXAMPLE0000000000000000000000';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'stsenv-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * An environment that shares nothing with the developer's machine: a HOME of
 * its own, config files that do not exist unless a test writes them, no
 * instance metadata lookups, base keys the fake STS accepts. The SDK's
 * Node-version warning is deliberately not silenced here: stsenv must hide it.
 */
export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    USER: 'tester',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TMPDIR: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: BASE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: BASE_SECRET_ACCESS_KEY,
    STSENV_SHELL: 'sh',
    // Every run asks STS unless a test turns the credential cache on ({ STSENV_NO_CACHE: undefined }).
    STSENV_NO_CACHE: '1',
    ...extra,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/** Spawns the built CLI with node and collects everything it writes. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * A `bin` directory under `dir` holding an executable `stsenv` that runs the
 * built CLI, as npm installs it: put it first on PATH for shells to find.
 */
export function stsenvOnPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  writeFileSync(join(bin, 'stsenv'), `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(CLI)} "$@"\n`, {
    mode: 0o755,
  });
  return bin;
}

/** `DIR/.aws/credentials` with one profile (default `work`) holding the base keys the fake STS accepts. */
export function writeBaseProfile(dir: string, profile = 'work'): void {
  mkdirSync(join(dir, '.aws'), { recursive: true });
  writeFileSync(
    join(dir, '.aws', 'credentials'),
    `[${profile}]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
  );
}
