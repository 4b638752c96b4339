import type { CredentialOutput } from '../credentials.js';

/**
 * A format whose output is a list of statements that set and clear
 * environment variables: every shell, and dotenv.
 */
export interface EnvFormat {
  kind: 'env';
  name: string;
  aliases: readonly string[];
  /** One line for --help. */
  description: string;
  lineEnding: '\n' | '\r\n';
  /**
   * Why `value` cannot be written safely in this format, as a phrase that
   * completes "it contains ..." and never quotes the value; undefined when it can.
   */
  refuse(value: string): string | undefined;
  /** The statement that sets `name` to exactly `value`; only called after refuse() said yes. */
  setLine(name: string, value: string): string;
  /**
   * The statement that removes `name`; undefined for a format that cannot
   * remove a variable (dotenv: an env file only sets), whose output then
   * carries only what it sets.
   */
  clearLine?: (name: string) => string;
  /**
   * The file of shells/ that `stsenv init NAME` prints (NAME: this format's
   * name or an alias): a function that runs stsenv with STSENV_EVAL set to
   * this format's name and evaluates what it prints (src/cli/eval-mode.ts).
   */
  integration?: string;
}

/** A format that is one document about the credentials (json, ini): no variables. */
export interface DocumentFormat {
  kind: 'document';
  name: string;
  aliases: readonly string[];
  description: string;
  /** The whole document; throws StsenvError (exit 2) for values it cannot carry. */
  render(output: CredentialOutput): string;
}

export type Format = EnvFormat | DocumentFormat;
