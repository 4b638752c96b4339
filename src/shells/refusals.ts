/**
 * Refusals that several formats share, as phrases that complete "it contains ...".
 */

/** No environment variable can hold a NUL: C strings end there. */
export function nulRefusal(value: string): string | undefined {
  return value.includes('\0') ? 'a NUL character, which no environment variable can hold' : undefined;
}

/**
 * Half of a UTF-16 surrogate pair alone is no Unicode character: UTF-8 cannot
 * encode it, so a shell that reads text as Unicode (JSON, Python) refuses it.
 */
export function unpairedSurrogateRefusal(value: string): string | undefined {
  return /[\ud800-\udfff]/u.test(value)
    ? 'half of a UTF-16 surrogate pair, which is not a Unicode character'
    : undefined;
}
