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
  const iso = date.toISOString();
  // `YYYY-MM-DDTHH:mm:ss.sssZ` for any year a credential has: cut without an expression (compiled at every start).
  return iso.length === 24 && iso[19] === '.' ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d+Z$/, 'Z');
}
