/**
 * `stsenv assume` with neither a role nor --profile, on a terminal: the role
 * profiles of the user's config in a list drawn on the terminal itself
 * (src/terminal.ts), filtered as the user types (match.ts); Enter picks one,
 * which the command then assumes exactly as `--profile NAME`. Nothing goes to
 * stdout or comes from stdin, so it works inside `eval "$(stsenv assume)"`
 * and the init functions, which capture stdout. The prompt is @clack/prompts'
 * autocomplete, in a vendor bundle of its own that only this path loads.
 */
import { constants } from 'node:os';
import { sharedConfig } from '../config/shared-files.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { closeTerminal, openTerminal, type TerminalFds } from '../terminal.js';
import { pickerEntries } from './entries.js';
import { matchesFilter } from './match.js';
import { terminalStreams } from './terminal-streams.js';

export type PickOutcome =
  /** `sso`: an SSO profile, whose own credentials are delivered (as `export --profile`), not a role assumed. */
  | { kind: 'picked'; profile: string; sso: boolean }
  /** Esc or Ctrl-C (130, as a shell reports an interrupted command), or a signal (128 + its number). */
  | { kind: 'cancelled'; exitCode: number }
  /** Nothing to draw on: the command goes on as without the picker. */
  | { kind: 'no-terminal' };

/** About a screenful with the search line and the key help, on a 24-line terminal. */
const VISIBLE_ROWS = 12;

export async function pickRoleProfile(ctx: Context): Promise<PickOutcome> {
  const fds = openTerminal(ctx.platform);
  if (!fds) {
    ctx.debug('no terminal to show the profile picker on');
    return { kind: 'no-terminal' };
  }
  let entries: ReturnType<typeof pickerEntries>;
  try {
    entries = pickerEntries(sharedConfig(ctx.env).allProfiles());
    if (entries.length === 0) {
      throw usageError(
        'assume has no <role-arn>, and the AWS config and credentials files have no role profile to pick from',
        'pass a role ARN, add a profile with role_arn to your AWS config, or run stsenv sso populate',
      );
    }
  } catch (error) {
    closeTerminal(fds);
    throw error;
  }
  const answer = await pickOne(
    fds,
    'Role profile to assume (Esc: cancel)',
    'profile',
    entries.map((entry) => ({ value: entry.profile, label: entry.line })),
    ctx,
  );
  if (answer.kind === 'picked') ctx.debug(`picked profile '${answer.value}'`);
  if (answer.kind !== 'picked') return answer;
  return {
    kind: 'picked',
    profile: answer.value,
    sso: entries.find((entry) => entry.profile === answer.value)?.sso ?? false,
  };
}

type Picked = { kind: 'picked'; value: string } | Exclude<PickOutcome, { kind: 'picked' }>;

/** One of `options` picked on the terminal `fds` (closed when done), filtered as the user types. */
async function pickOne(
  fds: TerminalFds,
  message: string,
  noun: string,
  options: Array<{ value: string; label: string }>,
  ctx: Context,
): Promise<Picked> {
  const { autocomplete, isCancel } = await import('@clack/prompts');
  const terminal = terminalStreams(fds);
  if (!terminal) {
    ctx.debug('the terminal could not be opened as one: no profile picker');
    return { kind: 'no-terminal' };
  }
  const abort = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  // Raw mode is on: Ctrl-C arrives as a key, but a signal from elsewhere must still leave the terminal as it was.
  const stopSignals = ctx.onSignals(['SIGINT', 'SIGTERM', 'SIGHUP'], (signal) => {
    signalled = signal;
    abort.abort();
  });
  try {
    const answer = await autocomplete({
      message,
      options,
      filter: (typed, option) => matchesFilter(typed, option.label ?? option.value),
      validate: (value) =>
        value === undefined ? `no ${noun} matches: change the filter, or Esc to cancel` : undefined,
      maxItems: VISIBLE_ROWS,
      withGuide: false,
      input: terminal.input,
      output: terminal.output,
      signal: abort.signal,
    });
    if (signalled) return { kind: 'cancelled', exitCode: 128 + constants.signals[signalled] };
    if (isCancel(answer) || typeof answer !== 'string')
      return { kind: 'cancelled', exitCode: 128 + constants.signals.SIGINT };
    return { kind: 'picked', value: answer };
  } finally {
    stopSignals();
    terminal.close();
  }
}

/**
 * `stsenv saml` with an assertion granting several roles and no --role: one
 * of them, picked on the terminal as a role profile is. `roles` are shown as
 * given (the command made them printable).
 */
export async function pickSamlRole(
  roles: readonly string[],
  ctx: Context,
): Promise<{ kind: 'picked'; roleArn: string } | Exclude<PickOutcome, { kind: 'picked' }>> {
  const fds = openTerminal(ctx.platform);
  if (!fds) return { kind: 'no-terminal' };
  const answer = await pickOne(
    fds,
    'Role to assume with the SAML assertion (Esc: cancel)',
    'role',
    roles.map((role) => ({ value: role, label: role })),
    ctx,
  );
  return answer.kind === 'picked' ? { kind: 'picked', roleArn: answer.value } : answer;
}
