import { usageError } from '../errors.js';
import { MAX_BYTES, readRegular } from '../files/trust.js';

/**
 * The SDK's loader reads the shared files leniently: an unreadable file is
 * taken as empty and a line it cannot make sense of is dropped, so a typo
 * turns into a silent "profile not found" or the wrong identity. This check
 * runs first and refuses what the AWS CLI's parser refuses too: a file that
 * exists but cannot be read, a line before any [section], a section header
 * without its `]`, and a line that is neither `key = value` (or `key: value`)
 * nor the indented continuation of one. It only judges; values still come
 * from the SDK's loader.
 */
export function checkSharedFile(path: string, what: string, envName: string): void {
  // Not blocking and capped: a FIFO or a huge file in its place is refused before the SDK's loader would hang on it.
  const { text, why } = readRegular(path, MAX_BYTES.sharedFile);
  if (why !== undefined) throw usageError(`cannot read ${what} '${path}': it ${why}`, `fix the file or point ${envName} at a readable one`);
  if (text === undefined) return;
  const problem = firstMalformedLine(text);
  if (problem) {
    throw usageError(`${what} '${path}' is malformed at line ${problem.line}: ${problem.why}`, 'fix that line (the AWS CLI refuses it too)');
  }
}

export function firstMalformedLine(text: string): { line: number; why: string } | undefined {
  let inSection = false;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    // Comments as the SDK strips them: `#` or `;` at the start or after white space.
    const content = raw.split(/(?:^|\s)[;#]/)[0]!.trim();
    if (content === '') continue;
    const line = index + 1;
    if (content.startsWith('[')) {
      if (!content.endsWith(']')) return { line, why: 'a section header without its closing ]' };
      inSection = true;
      continue;
    }
    // An indented line continues the value above it (nested settings such as s3 =).
    if (/^\s/.test(raw)) continue;
    if (!inSection) return { line, why: 'a setting before any [section] header' };
    const delimiter = content.search(/[=:]/);
    if (delimiter <= 0) return { line, why: "neither a [section] header nor 'key = value'" };
  }
  return undefined;
}
