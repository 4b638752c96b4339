import { isoSeconds, type Credentials } from '../credentials.js';
import { usageError } from '../errors.js';
import type { DocumentFormat } from './types.js';

/**
 * The SDK for JavaScript v3 (parseIni) cuts every line at a # or ; that starts
 * it or follows white space (JavaScript's \s), before anything else.
 */
const INI_COMMENT = /(^|\s)[;#]/;

/**
 * Why a value cannot stand in an ini line: the SDKs' loaders split on line
 * breaks and trim spaces around values; the JavaScript one also drops inline
 * comments and reads `key =` with nothing after it as a sub-section.
 */
export function iniRefusal(value: string): string | undefined {
  if (/[\r\n\0]/.test(value)) return 'a line break or NUL, which an ini line cannot carry';
  if (value !== value.trim()) return 'leading or trailing white space, which ini readers trim';
  if (value === '') return 'nothing: an empty value, which the SDK for JavaScript reads as a sub-section';
  if (INI_COMMENT.test(value))
    return 'a # or ; at the start or after white space, which the SDK for JavaScript reads as a comment';
  return undefined;
}

/** A section name readers take back exactly: no brackets, line breaks, outer spaces or comments. */
export function iniSectionRefusal(name: string): string | undefined {
  if (name === '' || /[[\]\r\n\0]/.test(name) || name !== name.trim() || INI_COMMENT.test(name)) {
    return 'a profile name must be non-empty, without brackets, line breaks, outer spaces, or a # or ; after a space';
  }
  return undefined;
}

export const INI_KEYS = {
  accessKeyId: 'aws_access_key_id',
  secretAccessKey: 'aws_secret_access_key',
  sessionToken: 'aws_session_token',
  /** Read by the AWS CLI v2 and the SDKs to know when the keys expire. */
  expiration: 'aws_credential_expiration',
} as const;

/**
 * The keys and values of a credentials-file section, each checked for what
 * ini can carry: the one block `--shell ini` prints and --write-profile writes.
 */
export function iniEntries(
  credentials: Credentials,
  refused: (key: string, why: string) => Error,
): Array<[key: string, value: string]> {
  // The keys always; a token and an expiration only when the credentials have them.
  const entries: Array<[string, string | undefined]> = [
    [INI_KEYS.accessKeyId, credentials.accessKeyId],
    [INI_KEYS.secretAccessKey, credentials.secretAccessKey],
    [INI_KEYS.sessionToken, credentials.sessionToken || undefined],
    [INI_KEYS.expiration, credentials.expiration ? isoSeconds(credentials.expiration) : undefined],
  ];
  return entries.flatMap(([key, value]) => {
    if (value === undefined) return [];
    const why = iniRefusal(value);
    if (why) throw refused(key, why);
    return [[key, value]];
  });
}

/** A [profile] block for the shared credentials file. */
export const ini: DocumentFormat = {
  kind: 'document',
  name: 'ini',
  aliases: [],
  description: 'a [profile] block for ~/.aws/credentials (name from --profile-name)',
  render({ credentials, profileName }) {
    const why = iniSectionRefusal(profileName);
    if (why) throw usageError(`cannot use --profile-name for ini format: ${why}`);
    const lines = iniEntries(credentials, (key, why) =>
      usageError(`cannot write ${key} in ini format: it contains ${why}`),
    ).map(([key, value]) => `${key} = ${value}`);
    return [`[${profileName}]`, ...lines, ''].join('\n');
  },
};
