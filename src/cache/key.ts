import sha256Hex from 'js-sha256/build/sha256.cjs';

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
 * Hex SHA-256 of the UTF-8 of `text`, as node:crypto gives it (a lone
 * surrogate as U+FFFD: Buffer's encoding, not js-sha256's own, which reads one
 * as half of a pair), in JavaScript: node:crypto would cost a cache hit about
 * 9 ms to load on Node 26. js-sha256 rather than a library written for the
 * optimising compiler: a hit's two hashes run once each, in V8's interpreter,
 * where its rounds (plain arithmetic, no calls) took half the time of
 * @noble/hashes' (a function call for each rotation).
 */
export function sha256(text: string): string {
  return sha256Hex(Buffer.from(text, 'utf8'));
}

/** Stable: the same request gives the same key in every run. */
export function cacheKey(request: CacheRequest): string {
  const fields = Object.entries(request)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(JSON.stringify(['stsenv-cache-1', fields]));
}
