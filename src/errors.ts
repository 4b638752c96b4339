/** Exit codes are part of the interface: scripts branch on them. */
export const EXIT_OK = 0;
/** AWS, network and file errors. */
export const EXIT_FAILURE = 1;
/** Usage errors and bad input, caught before any request where possible. */
export const EXIT_USAGE = 2;

/** `stsenv exec`, as shells do: the command cannot be run (126) or is not found (127). */
export const EXIT_CANNOT_RUN = 126;
export const EXIT_NOT_FOUND = 127;

export type ExitCode = typeof EXIT_FAILURE | typeof EXIT_USAGE | typeof EXIT_CANNOT_RUN | typeof EXIT_NOT_FOUND;

export interface StsenvErrorOptions {
  /** The underlying error (an SDK error, a file error); shown only with --debug. */
  cause?: unknown;
  /** What the user can do about it; printed after the message on the same line. */
  hint?: string;
  /** An AWS error code (AccessDenied, ExpiredToken...) kept for scripts and tests. */
  code?: string;
}

/**
 * The one error type the top level knows how to print: a message for people,
 * never containing a secret, and the exit code it maps to.
 */
export class StsenvError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly code?: string;

  constructor(message: string, exitCode: ExitCode, options: StsenvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StsenvError';
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.code = options.code;
  }
}

/** Bad input from the user: exit 2. */
export function usageError(message: string, hint?: string): StsenvError {
  return new StsenvError(message, EXIT_USAGE, { hint });
}

/** A failure of AWS, the network or a file: exit 1. */
/** `error` with `hint` in place of its own when AWS said AccessDenied (the request's own likely cause); any other error as it is. */
export function hintAccessDenied(error: unknown, hint: string): unknown {
  if (!(error instanceof StsenvError) || error.code !== 'AccessDenied') return error;
  return new StsenvError(error.message, error.exitCode, { cause: error.cause, code: error.code, hint });
}

export function failure(message: string, options: StsenvErrorOptions = {}): StsenvError {
  return new StsenvError(message, EXIT_FAILURE, options);
}
