/**
 * Secrets kept out of text for people: known values (keys, tokens, an MFA
 * code) replaced wherever they appear, and the user and password of a URL
 * (`http://user:SECRET@host`) never shown.
 */

export const REDACTED = '[redacted]';

/** Values shorter than this are not searched for: they would redact ordinary words. */
const MIN_SECRET = 4;

/** The secrets worth searching for among `values`. */
export function secretList(values: readonly (string | undefined)[]): string[] {
  return values.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET);
}

/** `text` with every one of `secrets` replaced by [redacted]. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  return secretList(secrets).reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/** Whether `text` still holds one of `secrets`. */
export function holdsSecret(text: string, secrets: readonly (string | undefined)[]): boolean {
  return secretList(secrets).some((secret) => text.includes(secret));
}

/**
 * A URL as people may see it: its user and password replaced, and any
 * `scheme://user:pass@` inside longer text (an SDK message quoting the
 * endpoint) too. Text without `@` comes back as it is, cheaply.
 */
export function redactUrl(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, `$1${REDACTED}@`);
}
