import { isRegionName, isRoleArn } from './text/plain-forms.js';
import { redactUrl } from './text/redact.js';
import { usageError } from './errors.js';

/**
 * Checks of user input against the forms STS accepts, so that a typo is a
 * usage error (exit 2) before any request. Messages name the option and the
 * accepted form; none of the checked values is secret.
 */

// A role ARN and a region are checked at every cache hit: text/plain-forms.ts reads them without an expression.
const SAML_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@/-]{1,512}$/;
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;
const MFA_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(mfa|u2f)\/[\w+=,.@/-]{1,512}$/;
/** Hardware MFA devices are named by a serial number rather than an ARN. */
const MFA_HARDWARE_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const TOKEN_CODE = /^\d{6}$/;
// Built on first use: Unicode property classes cost every start about 0.2 ms to build.
let tagPatterns: { key: RegExp; value: RegExp } | undefined;
const tagPattern = () =>
  (tagPatterns ??= { key: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, value: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u });
/** STS caps the plain text of inline and managed session policies together. */
export const MAX_POLICY_CHARS = 2048;
const MAX_POLICY_ARNS = 10;
const MAX_TAGS = 50;

export function checkRoleArn(value: string, option = 'role ARN'): string {
  if (!isRoleArn(value)) {
    throw usageError(`invalid ${option} '${value}'`, 'expected arn:aws:iam::123456789012:role/NAME');
  }
  return value;
}

/** The identity provider of AssumeRoleWithSAML (--principal-arn, saml_principal_arn). */
export function checkSamlProviderArn(value: string, option = '--principal-arn'): string {
  if (!SAML_PROVIDER_ARN.test(value)) {
    throw usageError(`invalid ${option} '${value}'`, 'expected arn:aws:iam::123456789012:saml-provider/NAME');
  }
  return value;
}

export function checkSessionName(value: string, option = '--session-name'): string {
  if (!SESSION_NAME.test(value)) {
    throw usageError(`invalid ${option} '${value}'`, 'use 2 to 64 characters from letters, digits and _+=,.@-');
  }
  return value;
}

export function checkSourceIdentity(value: string): string {
  return checkSessionName(value, '--source-identity');
}

export function checkExternalId(value: string): string {
  if (!EXTERNAL_ID.test(value)) {
    throw usageError('invalid --external-id', 'use 2 to 1224 characters from letters, digits and _+=,.@:/-');
  }
  return value;
}

export function checkMfaSerial(value: string, option = '--mfa-serial'): string {
  if (!MFA_ARN.test(value) && !(MFA_HARDWARE_SERIAL.test(value) && !value.startsWith('arn:'))) {
    throw usageError(
      `invalid ${option} '${value}'`,
      'expected arn:aws:iam::123456789012:mfa/NAME or a hardware device serial number',
    );
  }
  return value;
}

/** The code itself is a one-time secret: never echoed back. */
export function checkTokenCode(value: string): string {
  if (!TOKEN_CODE.test(value))
    throw usageError('invalid --token-code', 'it must be the 6 digits your MFA device shows');
  return value;
}

export function checkRegion(value: string, option = '--region'): string {
  if (!isRegionName(value))
    throw usageError(`invalid ${option} '${value}'`, 'expected a region name such as us-east-1 or eu-west-2');
  return value;
}

/** --max-attempts or AWS_MAX_ATTEMPTS: attempts per request, retries included; `shown` is the value as given. */
export function checkMaxAttempts(value: number, option: string, shown: string | number = value): number {
  if (!Number.isInteger(value) || value < 1 || value > 20)
    throw usageError(`invalid ${option} '${shown}'`, 'give a whole number from 1 to 20');
  return value;
}

/** --timeout: seconds for a whole call, retries included; in milliseconds, as requests take it. */
export function checkTimeout(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
    throw usageError(`invalid --timeout '${seconds}'`, 'give seconds, more than 0 and at most 3600');
  return Math.round(seconds * 1000);
}

export function checkEndpointUrl(value: string, option = '--endpoint-url'): string {
  let url: URL;
  // The URL may carry a user and password: never shown.
  const shown = redactUrl(value);
  try {
    url = new URL(value);
  } catch {
    throw usageError(
      `invalid ${option} '${shown}'`,
      'expected an http:// or https:// URL such as https://sts.eu-west-1.amazonaws.com',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(`invalid ${option} '${shown}'`, 'only http:// and https:// URLs are supported');
  }
  return value;
}

/** 127.0.0.0/8, [::1] and localhost: plain http there never leaves the machine. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * --signin-url: the federation endpoint gets the credentials in its query
 * string, so plain http is only for an endpoint on this machine (a test's).
 */
export function checkSigninUrl(value: string): string {
  checkEndpointUrl(value, '--signin-url');
  if (new URL(value).protocol === 'http:' && !isLoopbackHost(new URL(value).hostname)) {
    throw usageError(
      `refusing --signin-url '${redactUrl(value)}': plain http would send the credentials in clear`,
      'use https://, or http:// only to 127.0.0.1, [::1] or localhost',
    );
  }
  return value;
}

export function checkPolicyArns(values: readonly string[]): string[] {
  if (values.length > MAX_POLICY_ARNS) throw usageError(`too many --policy-arn: at most ${MAX_POLICY_ARNS}`);
  for (const value of values) {
    if (!POLICY_ARN.test(value)) {
      throw usageError(
        `invalid --policy-arn '${value}'`,
        'expected arn:aws:iam::aws:policy/NAME or arn:aws:iam::123456789012:policy/NAME',
      );
    }
  }
  return [...values];
}

export interface Tag {
  Key: string;
  Value: string;
}

/** `Key=Value` pairs; the value may contain `=` and may be empty. */
export function parseTags(values: readonly string[]): Tag[] {
  if (values.length > MAX_TAGS) throw usageError(`too many --tag: at most ${MAX_TAGS}`);
  const tags = values.map((text) => {
    const at = text.indexOf('=');
    if (at <= 0) throw usageError(`invalid --tag '${text}'`, 'expected Key=Value');
    const tag = { Key: text.slice(0, at), Value: text.slice(at + 1) };
    if (!tagPattern().key.test(tag.Key) || !tagPattern().value.test(tag.Value)) {
      throw usageError(
        `invalid --tag '${text}'`,
        'keys have 1-128 and values 0-256 characters from letters, digits, spaces and _.:/=+-@',
      );
    }
    return tag;
  });
  const seen = new Set<string>();
  for (const { Key } of tags) {
    // STS compares tag keys case-insensitively.
    const folded = Key.toLowerCase();
    if (seen.has(folded)) throw usageError(`duplicate --tag key '${Key}'`);
    seen.add(folded);
  }
  return tags;
}

export function checkTransitiveTagKeys(values: readonly string[]): string[] {
  for (const value of values) {
    if (!tagPattern().key.test(value))
      throw usageError(`invalid --transitive-tag '${value}'`, 'expected a tag key of 1-128 characters');
  }
  return [...values];
}

/** A session policy given inline: it must be JSON and fit STS's size limit. */
export function checkPolicyDocument(text: string, source: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw usageError(`--policy ${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (text.length > MAX_POLICY_CHARS) {
    throw usageError(
      `--policy ${source} is ${text.length} characters`,
      `STS accepts at most ${MAX_POLICY_CHARS}; remove white space or use --policy-arn`,
    );
  }
  return text;
}
