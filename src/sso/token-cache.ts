/**
 * The SSO token cache, ~/.aws/sso/cache, exactly as the AWS CLI v2 writes it
 * (awscli/customizations/sso/utils.py and botocore's SSOTokenFetcher), so
 * that the AWS CLI, boto3, the AWS SDKs and stsenv's own chains share it:
 *
 * - the token: `<sha1 of the sso-session name, or of the start URL>.json`,
 *   {"startUrl", "region", "accessToken", "expiresAt", "clientId",
 *   "clientSecret", "registrationExpiresAt", "refreshToken"} in that order;
 * - the client registration: `<sha1 of {"region", "scopes", "session_name",
 *   "startUrl", "tool": "botocore"} as Python's json.dumps(sort_keys=True)
 *   prints it>.json`, {"clientId", "clientSecret", "expiresAt", "scopes"};
 * - times as `%Y-%m-%dT%H:%M:%SZ` (UTC, whole seconds), JSON as Python's
 *   json.dumps prints it (", " and ": ", non-ASCII as \uXXXX).
 *
 * Files are 0600, written whole and renamed into place (safe-files.ts); the
 * directory is made 0700. Values here are secrets: never put into messages.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isoSeconds } from '../credentials.js';
import type { LocalProcess } from '../context.js';
import { writeFileAtomic } from '../files/safe-files.js';
import { MAX_BYTES, readTrusted } from '../files/trust.js';
import { checkSsoCacheFolder, ssoCacheDirectory } from './cache-folder.js';

export { checkSsoCacheFolder, ssoCacheDirectory };
import { tokenCacheId, type SsoTarget } from './config.js';

export interface SsoToken {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: Date;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: Date;
  refreshToken?: string;
}

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  scopes?: string[];
  /** Set by the AWS CLI's authorization code flow; such a client cannot use the device code grant. */
  grantTypes?: string[];
}

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** JSON as Python's json.dumps prints it by default, keys in the order given. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  // ensure_ascii: everything outside printable ASCII as \uXXXX (lower-case hex, as Python).
  return JSON.stringify(value ?? null).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The file of a token: botocore's _token_cache_key, the SDK's getSSOTokenFilepath. */
export function tokenPath(dir: string, id: string): string {
  return join(dir, `${sha1Hex(id)}.json`);
}

/** The token file of a sign-in. */
export function tokenCacheFile(dir: string, target: Pick<SsoTarget, 'sessionName' | 'startUrl'>): string {
  return tokenPath(dir, tokenCacheId(target));
}

/** The file of a client registration: botocore's _registration_cache_key. */
export function registrationPath(
  dir: string,
  key: { startUrl: string; region: string; scopes?: readonly string[]; sessionName?: string },
): string {
  const args = {
    region: key.region,
    scopes: key.scopes ?? null,
    session_name: key.sessionName ?? null,
    startUrl: key.startUrl,
    tool: 'botocore',
  };
  return join(dir, `${sha1Hex(pythonJson(args))}.json`);
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

export interface CacheIo {
  debug(message: string): void;
  warn(message: string): void;
  /** This process, for the file helpers (temp names, owners). */
  local: LocalProcess;
}

/** A cache file's JSON, or undefined when it is missing, unreadable, not ours, or not JSON. */
function readJson(path: string, io: CacheIo): Record<string, unknown> | undefined {
  checkSsoCacheFolder(dirname(path), io.local);
  const { text, problem } = readTrusted(path, io.local, MAX_BYTES.ssoCacheFile);
  if (problem) {
    io.warn(`${problem.refuse ? 'ignoring ' : ''}${path}: it ${problem.why}`);
    if (problem.refuse) return undefined;
  }
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    io.debug(`${path} is not JSON: ignored`);
    return undefined;
  }
}

export function readRegistration(path: string, io: CacheIo): ClientRegistration | undefined {
  const data = readJson(path, io);
  const expiresAt = parseDate(data?.expiresAt);
  if (!data || typeof data.clientId !== 'string' || typeof data.clientSecret !== 'string' || !expiresAt)
    return undefined;
  return {
    clientId: data.clientId,
    clientSecret: data.clientSecret,
    expiresAt,
    scopes: strings(data.scopes),
    grantTypes: strings(data.grantTypes),
  };
}

export function readToken(path: string, io: CacheIo): SsoToken | undefined {
  const data = readJson(path, io);
  const expiresAt = parseDate(data?.expiresAt);
  if (
    !data ||
    typeof data.accessToken !== 'string' ||
    typeof data.startUrl !== 'string' ||
    typeof data.region !== 'string' ||
    !expiresAt
  )
    return undefined;
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  return {
    startUrl: data.startUrl,
    region: data.region,
    accessToken: data.accessToken,
    expiresAt,
    clientId: text('clientId'),
    clientSecret: text('clientSecret'),
    registrationExpiresAt: parseDate(data.registrationExpiresAt),
    refreshToken: text('refreshToken'),
  };
}

function writeCacheFile(path: string, dir: string, document: Record<string, unknown>, io: CacheIo): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkSsoCacheFolder(dir, io.local);
  writeFileAtomic(path, pythonJson(document), io.local);
}

export function writeRegistration(dir: string, path: string, registration: ClientRegistration, io: CacheIo): void {
  writeCacheFile(
    path,
    dir,
    {
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      expiresAt: isoSeconds(registration.expiresAt),
      scopes: registration.scopes?.length ? registration.scopes : undefined,
      grantTypes: registration.grantTypes?.length ? registration.grantTypes : undefined,
    },
    io,
  );
}

export function writeToken(dir: string, path: string, token: SsoToken, io: CacheIo): void {
  writeCacheFile(
    path,
    dir,
    {
      startUrl: token.startUrl,
      region: token.region,
      accessToken: token.accessToken,
      expiresAt: isoSeconds(token.expiresAt),
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      registrationExpiresAt: token.registrationExpiresAt && isoSeconds(token.registrationExpiresAt),
      refreshToken: token.refreshToken,
    },
    io,
  );
}

/** Removes one file; false when there was none. */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Every token file of the cache (files with an accessToken, as the AWS CLI's logout finds them); registrations are not tokens. */
export function tokenFiles(dir: string, io: CacheIo): string[] {
  checkSsoCacheFolder(dir, io.local);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name))
    .filter((path) => typeof readJson(path, io)?.accessToken === 'string');
}
