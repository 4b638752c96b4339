/**
 * A SAML response as an identity provider posts it to AWS (the base64
 * SAMLResponse form field), read for the roles it grants: each value of its
 * https://aws.amazon.com/SAML/Attributes/Role attribute is a role ARN and
 * the ARN of the SAML provider in IAM, comma-separated (AWS documents role
 * first; some providers put the provider first, and AWS takes both). The XML
 * is read with the AWS SDK's own parser; the signature is STS's to check.
 */
import { parseXML } from '@aws-sdk/xml-builder';
import { usageError } from '../errors.js';

export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';

/** Far more than any real assertion: a file or a command giving more is not one. */
export const MAX_ASSERTION_CHARS = 1024 * 1024;

export interface SamlRole {
  roleArn: string;
  principalArn: string;
}

export interface SamlAssertion {
  /** What goes to STS: the base64 text, without line breaks. */
  base64: string;
  /** The roles it grants, in its order. */
  roles: SamlRole[];
}

const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const PROVIDER = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@/-]{1,512}$/;
const HINT =
  "give the base64 SAMLResponse your identity provider posts to AWS's sign-in page (as saml2aws and the browser's developer tools show it)";

/** `saml:AttributeValue` is `AttributeValue`: the parser keeps prefixes, which each provider chooses. */
function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['#text'] === 'string')
    return (value as Record<string, string>)['#text'];
  return undefined;
}

/** Every value of the Role attribute, wherever in the response it is (in the assertion, in any namespace). */
function roleValues(node: unknown, found: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) roleValues(item, found);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
    if (localName(key) === 'Attribute') {
      for (const attribute of asList(child)) {
        if (
          attribute &&
          typeof attribute === 'object' &&
          (attribute as Record<string, unknown>).Name === ROLE_ATTRIBUTE
        ) {
          for (const [name, values] of Object.entries(attribute as Record<string, unknown>)) {
            if (localName(name) === 'AttributeValue')
              for (const value of asList(values)) found.push(textOf(value) ?? '');
          }
        }
      }
    }
    roleValues(child, found);
  }
}

function roleOf(value: string): SamlRole | undefined {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.length !== 2) return undefined;
  const roleArn = parts.find((part) => ROLE.test(part));
  const principalArn = parts.find((part) => PROVIDER.test(part));
  return roleArn && principalArn ? { roleArn, principalArn } : undefined;
}

/** The assertion in `text` (read from `source`, named in messages), with its roles; a usage error when it is none. */
export function readSamlAssertion(text: string, source: string): SamlAssertion {
  if (text.length > MAX_ASSERTION_CHARS) throw usageError(`${source} is too large to be a SAML response`, HINT);
  const base64 = text.replace(/\s+/g, '');
  if (base64 === '') throw usageError(`${source} is empty`, HINT);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw usageError(`${source} is not base64: not a SAML response`, HINT);
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  let document: unknown;
  try {
    if (!xml.trimStart().startsWith('<')) throw new Error('not XML');
    document = parseXML(xml);
  } catch {
    throw usageError(`${source} is base64 but not a SAML response (no XML inside)`, HINT);
  }
  const root =
    document && typeof document === 'object'
      ? Object.keys(document as object).find((key) => localName(key) === 'Response')
      : undefined;
  if (!root) throw usageError(`${source} is XML but not a SAML response (no Response element)`, HINT);
  const values: string[] = [];
  roleValues(document, values);
  if (values.length === 0)
    throw usageError(
      `${source} grants no AWS role: it has no ${ROLE_ATTRIBUTE} attribute`,
      'check the AWS application and its role mapping in your identity provider',
    );
  const roles: SamlRole[] = [];
  for (const value of values) {
    const role = roleOf(value);
    if (!role)
      throw usageError(
        `${source} has a Role attribute value that is not "role ARN,provider ARN"`,
        'check the role mapping in your identity provider',
      );
    if (!roles.some((r) => r.roleArn === role.roleArn && r.principalArn === role.principalArn)) roles.push(role);
  }
  return { base64, roles };
}
