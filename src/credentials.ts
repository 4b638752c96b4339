/** Credentials as stsenv handles them, whatever produced them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Everything a format needs to render one set of credentials. */
export interface CredentialOutput {
  credentials: Credentials;
  /** Exported as AWS_REGION and AWS_DEFAULT_REGION when known. */
  region?: string;
  /**
   * The region is one the user's own AWS_REGION or AWS_DEFAULT_REGION
   * already holds: written again, but not marked as stsenv's (STSENV_REGION),
   * so that `unset` leaves it.
   */
  regionIsUsers?: boolean;
  /** Section name for the ini format. */
  profileName: string;
  /** The role these credentials are a session of, when they are one (STSENV_ROLE_ARN). */
  roleArn?: string;
  /** How they were obtained, for the init functions' prompt hooks (STSENV_REQUEST, STSENV_LABEL). */
  recorded?: { request: string; label: string };
}

/** ISO 8601 UTC without fractions (`2026-01-02T03:04:05Z`), the form SDKs and prompts read. */
export function isoSeconds(date: Date): string {
  const year = date.getUTCFullYear();
  // Built from the UTC fields: a process's first toISOString costs about 0.1 ms, and every
  // credential line has an expiration. A year of other than four digits (or an invalid
  // date, which throws) is toISOString's.
  if (!(year >= 1000 && year <= 9999)) return date.toISOString().replace(/\.\d+Z$/, 'Z');
  return `${year}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
