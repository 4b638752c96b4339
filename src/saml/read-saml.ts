/**
 * `stsenv saml`'s input: the assertion from --assertion-file (a file, or `-`
 * for standard input: never an argument, which every local user could read),
 * and the role it is used for: the one given, the only one it grants, or the
 * one --role names among several. Loaded only by that command (a feature
 * bundle of its own).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { usageError } from '../errors.js';
import { checkRoleArn, checkSamlProviderArn } from '../validate.js';
import { MAX_ASSERTION_CHARS, readSamlAssertion, type SamlAssertion, type SamlRole } from './assertion.js';

/** Reads at most a little more than any assertion: a FIFO or a device that never ends is cut off, not waited on for ever. */
function readBounded(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
    if (total > MAX_ASSERTION_CHARS) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The assertion read from `path` (`-`: standard input), checked and read for its roles. */
export function readAssertionFile(path: string): SamlAssertion {
  const fromStdin = path === '-';
  const source = fromStdin ? 'standard input (--assertion-file -)' : `--assertion-file '${path}'`;
  let text: string;
  let fd: number | undefined;
  try {
    fd = fromStdin ? 0 : openSync(path, 'r');
    if (!fromStdin && fstatSync(fd).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    text = readBounded(fd);
  } catch (error) {
    throw usageError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  } finally {
    if (fd !== undefined && !fromStdin) closeSync(fd);
  }
  if (text.trim() === '' && fromStdin)
    throw usageError(`${source} is empty`, 'pipe the base64 SAML response in: ... | stsenv saml --assertion-file -');
  return readSamlAssertion(text, source);
}

export type RoleChoice = { kind: 'chosen'; role: SamlRole } | { kind: 'ask'; roles: SamlRole[] };

/**
 * The role to assume: ROLE_ARN or --role (an ARN, or a role's name when only
 * one granted role has it), else the only role granted; several and neither
 * given: `ask` (the command shows the picker, or says what to pass). The
 * provider is --principal-arn, else the one the assertion pairs with the role.
 */
export function chooseSamlRole(
  assertion: SamlAssertion,
  wanted: { roleArn?: string; role?: string; principalArn?: string },
): RoleChoice {
  if (wanted.roleArn !== undefined && wanted.role !== undefined)
    throw usageError('give a role ARN or --role, not both');
  const principalArn = wanted.principalArn !== undefined ? checkSamlProviderArn(wanted.principalArn) : undefined;
  const withPrincipal = (role: SamlRole): SamlRole => ({
    roleArn: role.roleArn,
    principalArn: principalArn ?? role.principalArn,
  });
  const granted = assertion.roles;
  const list = granted.map((r) => r.roleArn).join(', ');
  if (wanted.roleArn !== undefined) {
    const roleArn = checkRoleArn(wanted.roleArn);
    const match = granted.find((r) => r.roleArn === roleArn);
    if (match) return { kind: 'chosen', role: withPrincipal(match) };
    if (!principalArn) throw usageError(`the SAML assertion does not grant ${roleArn}`, `it grants: ${list}`);
    return { kind: 'chosen', role: { roleArn, principalArn } };
  }
  if (wanted.role !== undefined) {
    const name = wanted.role;
    const matches = granted.filter(
      (r) =>
        r.roleArn === name ||
        r.roleArn.slice(r.roleArn.indexOf(':role/') + 6) === name ||
        r.roleArn.endsWith(`/${name}`),
    );
    if (matches.length === 1) return { kind: 'chosen', role: withPrincipal(matches[0]!) };
    if (matches.length === 0) throw usageError(`the SAML assertion grants no role '${name}'`, `it grants: ${list}`);
    throw usageError(
      `--role '${name}' names ${matches.length} of the roles the SAML assertion grants`,
      `give the whole ARN: ${matches.map((r) => r.roleArn).join(', ')}`,
    );
  }
  if (granted.length === 1) return { kind: 'chosen', role: withPrincipal(granted[0]!) };
  return { kind: 'ask', roles: granted.map(withPrincipal) };
}
