/**
 * Text for a terminal. Config files, STS and SSO answers, other programs'
 * stderr and environment variables can all carry control characters, and a
 * terminal obeys them: ESC sequences retitle the window or clear the screen,
 * C1's CSI (U+009B) and OSC (U+009D) do the same in one character, bidi
 * overrides reorder what is read. Every such character is shown as a visible
 * escape instead (`\x1b`, `\x9b`, `\u202e`), so what was sent can still be read.
 */

/** DEL, C1, and the bidi controls (ALM, LRM/RLM, embeddings and overrides, isolates). */
const BEYOND_C0 = String.raw`\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069`;
/** C0 (with newline and tab) and the rest. */
const CONTROL = new RegExp(String.raw`[\u0000-\u001f${BEYOND_C0}]`, 'g');
/** All of them but the line break (U+000A). */
const CONTROL_BUT_LINE_BREAK = new RegExp(String.raw`[\u0000-\u0009\u000b-\u001f${BEYOND_C0}]`);

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line a terminal shows as it is: every control character (newline too) as a visible escape. */
export function printable(text: string): string {
  return text.replace(CONTROL, visible);
}

/** Several lines: the line breaks kept, every other control character made visible. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/** Whether the text holds anything printable() would change. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/** Whether lines joined by line breaks hold anything printable() would change besides those breaks: one look for many lines. */
export function linesHaveControl(lines: string): boolean {
  return CONTROL_BUT_LINE_BREAK.test(lines);
}
