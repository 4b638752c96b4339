import { sha256 as sha256Digest } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * Everything that changes what STS answers. A session name stsenv made up
 * from the clock is left out (`undefined`), or it would defeat the cache.
 * Secrets may be given here only hashed; the key itself is a hash again.
 */
export interface CacheRequest {
  operation: 'AssumeRole' | 'GetSessionToken' | 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML';
  /** The key of whatever signs this request (a profile, keys, or the previous hop's request). */
  base: string;
  /** Where the credentials work: a region, or for GetSessionToken the whole partition. */
  region?: string;
  partition?: string;
  endpoint?: string;
  roleArn?: string;
  sessionName?: string;
  durationSeconds?: number;
  externalId?: string;
  policy?: string;
  policyArns?: string[];
  tags?: Array<{ Key?: string; Value?: string }>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  mfaSerial?: string;
  /** sha256 of the web identity token. */
  webIdentityTokenHash?: string;
  /** AssumeRoleWithSAML's identity provider. */
  principalArn?: string;
  /** sha256 of a SAML assertion given to `stsenv saml`; a profile's assertion command is named instead (run only on a miss). */
  samlAssertionHash?: string;
  samlAssertionProcess?: string;
}

/**
 * Hex SHA-256, in JavaScript: node:crypto (with the streams it loads) would
 * cost a cache hit about 2.5 ms, a tenth of its whole run.
 */
export function sha256(text: string): string {
  return bytesToHex(sha256Digest(utf8ToBytes(text)));
}

/** Stable: the same request gives the same key in every run. */
export function cacheKey(request: CacheRequest): string {
  const fields = Object.entries(request)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(JSON.stringify(['stsenv-cache-1', fields]));
}
