/**
 * A command line split into words as the AWS CLI splits a credential_process
 * on Windows (botocore's compat_shell_split): the Microsoft C runtime's
 * rules, not a shell's. Only space and tab separate words; double quotes are
 * the only quotes; backslashes are literal (`C:\Tools\creds.exe` stays a
 * path) unless they lead up to a double quote, where each pair gives one
 * backslash and an odd one left over makes the quote literal. botocore's
 * own variant of these rules, so no library's: `""` gives an empty word,
 * and a quote left open is an error.
 */
export function splitWindowsCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  /** Whether a word has begun (a quote begins one, even an empty one). */
  let started = false;
  let quoted = false;
  let backslashes = 0;
  const flushBackslashes = () => {
    if (backslashes > 0) {
      word += '\\'.repeat(backslashes);
      started = true;
      backslashes = 0;
    }
  };
  for (const char of line) {
    if (char === '\\') {
      backslashes++;
    } else if (char === '"') {
      word += '\\'.repeat(Math.floor(backslashes / 2));
      const escaped = backslashes % 2 === 1;
      backslashes = 0;
      started = true;
      if (escaped) word += '"';
      else quoted = !quoted;
    } else if ((char === ' ' || char === '\t') && !quoted) {
      flushBackslashes();
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      flushBackslashes();
      word += char;
      started = true;
    }
  }
  if (quoted) throw new Error('No closing quotation');
  flushBackslashes();
  if (started) words.push(word);
  return words;
}
