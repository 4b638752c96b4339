import assert from 'node:assert/strict';
import type { IssuedCredentials } from './fake-sts.js';

/** An expiration as stsenv exports it: ISO 8601 UTC without fractions. */
export function exportedExpiration(issued: IssuedCredentials): string {
  return issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * What a shell's environment must hold after evaluating stsenv's lines for
 * `issued`: every credential variable exactly, the region pair when one is
 * known, and none of the variables that would shadow the keys.
 */
export function assertCredentialEnv(vars: Map<string, string>, issued: IssuedCredentials, region?: string): void {
  const expiration = exportedExpiration(issued);
  assert.equal(vars.get('AWS_ACCESS_KEY_ID'), issued.accessKeyId);
  assert.equal(vars.get('AWS_SECRET_ACCESS_KEY'), issued.secretAccessKey);
  assert.equal(vars.get('AWS_SESSION_TOKEN'), issued.sessionToken);
  assert.equal(vars.get('AWS_CREDENTIAL_EXPIRATION'), expiration);
  assert.equal(vars.get('AWS_SESSION_EXPIRATION'), expiration);
  assert.equal(vars.get('AWS_REGION'), region);
  assert.equal(vars.get('AWS_DEFAULT_REGION'), region);
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'])
    assert.equal(vars.has(name), false, `${name} is removed`);
}
