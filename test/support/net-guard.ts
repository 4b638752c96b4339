/**
 * Keeps fault tests on the loopback interface. The CLI runs with a preload
 * (NODE_OPTIONS=--import) that answers every DNS lookup of a name that is not
 * loopback with ENOTFOUND, as a resolver does for `.invalid` (RFC 6761),
 * without asking any DNS server, and refuses connections to any address that
 * is not loopback. Every lookup and refusal is logged to a file, so a test can
 * assert that the guard, not the network, answered, and that nothing tried
 * to leave the machine.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GUARD_SOURCE = `
import dns from 'node:dns';
import net from 'node:net';
import { appendFileSync } from 'node:fs';
const log = process.env.STSENV_TEST_NET_LOG;
const note = (line) => { if (log) appendFileSync(log, line + '\\n'); };
const isLoopback = (host) => host === 'localhost' || host === '::1' || /^127\\./.test(host) || host === '[::1]';
const notFound = (host) => Object.assign(new Error('getaddrinfo ENOTFOUND ' + host), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host });
const realLookup = dns.lookup;
dns.lookup = function lookup(host, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  note('lookup ' + host);
  if (isLoopback(host)) return realLookup.call(this, host, options, callback);
  process.nextTick(callback, notFound(host));
  return {};
};
const realPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(host, options) {
  note('lookup ' + host);
  if (isLoopback(host)) return realPromisesLookup.call(this, host, options);
  throw notFound(host);
};
const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = typeof first === 'object' && first !== null ? (first.path ? undefined : first.host ?? 'localhost') : typeof first === 'number' || /^\\d+$/.test(String(first)) ? (typeof args[1] === 'string' ? args[1] : 'localhost') : undefined;
  if (host !== undefined && net.isIP(host) && !isLoopback(host)) {
    note('BLOCKED connect ' + host);
    const error = Object.assign(new Error('test network guard: refused connection to ' + host), { code: 'ENETUNREACH' });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return realConnect.apply(this, args);
};
`;

export interface NetGuard {
  /** Environment additions for runCli: the preload and its log file. */
  env: Record<string, string>;
  /** Lines logged so far (`lookup NAME`, `BLOCKED connect ADDRESS`). */
  log(): string[];
}

/** Writes the preload into `dir` (a test's temp directory). */
export function netGuard(dir: string): NetGuard {
  const file = join(dir, 'net-guard.mjs');
  const logFile = join(dir, 'net-guard.log');
  writeFileSync(file, GUARD_SOURCE);
  writeFileSync(logFile, '');
  return {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(file).href}`, STSENV_TEST_NET_LOG: logFile },
    log: () => readFileSync(logFile, 'utf8').split('\n').filter(Boolean),
  };
}

function which(executable: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, executable), constants.X_OK);
      return join(dir, executable);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A self-signed certificate for 127.0.0.1 made with openssl, or undefined when openssl is missing. */
export function selfSignedCert(dir: string): { cert: string; key: string; certFile: string } | undefined {
  const openssl = which('openssl');
  if (!openssl) return undefined;
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const result = spawnSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0 || !existsSync(certFile)) throw new Error(`openssl failed: ${result.stderr}`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}

/** Every regular file under `dir`, recursively, with its contents. */
export function filesUnder(dir: string): Array<{ path: string; content: Buffer }> {
  const out: Array<{ path: string; content: Buffer }> = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) out.push(...filesUnder(path));
    else if (stat.isFile()) out.push({ path, content: readFileSync(path) });
  }
  return out;
}

/**
 * The secrets among `secrets` found in `texts` and in the files under `dirs`,
 * as `what: where` strings (never the secret itself); [] when clean.
 */
export function findSecrets(
  secrets: Record<string, string | undefined>,
  texts: Record<string, string>,
  dirs: readonly string[],
): string[] {
  const found: string[] = [];
  for (const [what, secret] of Object.entries(secrets)) {
    if (!secret) continue;
    for (const [where, text] of Object.entries(texts)) if (text.includes(secret)) found.push(`${what}: ${where}`);
    for (const dir of dirs)
      for (const file of filesUnder(dir)) if (file.content.includes(secret)) found.push(`${what}: file ${file.path}`);
  }
  return found;
}
