/**
 * The forms a cache hit checks at every run, read a character at a time
 * rather than with a regular expression: a process's first regular
 * expression costs about 0.1 ms to set up, and each later one 10 to 25 µs,
 * while a hit runs nothing else that needs one (docs/performance.md). Each
 * function says the expression it stands for; test/unit/plain-forms.test.ts
 * holds each to its expression.
 */

/** The characters IAM allows in a name or path: `[\w+=,.@-]`, and `/` where `slash`. */
function isIamNameChar(code: number, slash = false): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 43 || // +
    code === 61 || // =
    code === 44 || // ,
    code === 46 || // .
    code === 64 || // @
    code === 45 || // -
    (slash && code === 47)
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** Whether text[from, to) is all digits (and not empty). */
function allDigits(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** `^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$` */
export function isRoleArn(text: string): boolean {
  if (!text.startsWith('arn:aws')) return false;
  let at = 7;
  while (at < text.length && (isLower(text.charCodeAt(at)) || text.charCodeAt(at) === 45)) at++;
  if (!text.startsWith(':iam::', at)) return false;
  at += 6;
  if (!allDigits(text, at, at + 12)) return false;
  at += 12;
  if (!text.startsWith(':role/', at)) return false;
  at += 6;
  const length = text.length - at;
  if (length < 1 || length > 512) return false;
  for (let i = at; i < text.length; i++) if (!isIamNameChar(text.charCodeAt(i), true)) return false;
  return true;
}

/** `^[a-z]{2}(-[a-z]+)+-\d{1,2}$`: us-east-1, us-gov-west-1. */
export function isRegionName(text: string): boolean {
  const parts = text.split('-');
  if (parts.length < 3) return false;
  const [first, ...rest] = parts;
  const number = rest.pop()!;
  if (first!.length !== 2 || !isLowerWord(first!)) return false;
  if (!rest.every(isLowerWord)) return false;
  return number.length <= 2 && allDigits(number, 0, number.length);
}

function isLowerWord(word: string): boolean {
  if (word === '') return false;
  for (let i = 0; i < word.length; i++) if (!isLower(word.charCodeAt(i))) return false;
  return true;
}

/** `text.replace(/[^\w+=,.@-]/g, '_')` */
export function nameCharsOnly(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += isIamNameChar(text.charCodeAt(i)) ? text[i] : '_';
  return out;
}

/**
 * `^(?:(\d+)|(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)$`: seconds alone (`3600`),
 * or hours, minutes and seconds in that order, each at most once (`1h30m`).
 * The numbers as they were written, or undefined; `''` gives `{}`.
 */
export function durationParts(text: string): { seconds?: string; h?: string; m?: string; s?: string } | undefined {
  if (allDigits(text, 0, text.length)) return { seconds: text };
  const parts: { h?: string; m?: string; s?: string } = {};
  let at = 0;
  for (const unit of ['h', 'm', 's'] as const) {
    let end = at;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end > at && text[end] === unit) {
      parts[unit] = text.slice(at, end);
      at = end + 1;
    }
  }
  return at === text.length ? parts : undefined;
}
