/**
 * What `stsenv doctor` found: one line each, `ok`, `note` (worth knowing,
 * nothing wrong) or `problem` (something that fails or will: exit 1). The
 * text never holds a secret, and is made safe for a terminal where it
 * carries names from files another program wrote.
 */
export type Level = 'ok' | 'note' | 'problem';

export interface Finding {
  level: Level;
  /** The area, `clock`, `config`, `profile 'x'`...: the start of the line. */
  topic: string;
  text: string;
}

export const ok = (topic: string, text: string): Finding => ({ level: 'ok', topic, text });
export const note = (topic: string, text: string): Finding => ({ level: 'note', topic, text });
export const problem = (topic: string, text: string): Finding => ({ level: 'problem', topic, text });

/** Control characters from a config file or the environment shown as `?`, so that they cannot drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function formatFinding(finding: Finding): string {
  return printable(`${finding.level}: ${finding.topic}: ${finding.text}`);
}
