/**
 * A profile's credential_process, run by stsenv itself as the AWS CLI runs
 * it: the line split into words (botocore's rules: Python's shlex, on
 * Windows the C runtime's; no shell: `;`, `|`, `$(...)` are words like any other), its stdout read as the Version 1
 * JSON, its stderr kept for the error. Loaded only when a process runs.
 */
import { enterProfile, loopReported } from '../aws/credential-process-guard.js';
import type { Context } from '../context.js';
import type { Credentials } from '../credentials.js';
import { failure, type StsenvError } from '../errors.js';
import { runHelperCommand } from '../exec/helper-command.js';
import { printable } from '../text/printable.js';

/** What a credential_process may take: the AWS CLI waits without end, a sign-in page may wait for a person. */
export const CREDENTIAL_PROCESS_TIMEOUT_MS = 5 * 60_000;

/** The last line a failing process printed on stderr, shortened: its own words, never its stdout. */
function lastLine(stderr: string): string {
  const line =
    stderr
      .split(/\r?\n/)
      .map((text) => text.trim())
      .filter(Boolean)
      .pop() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function failedRun(what: string, how: string, stderr: string): StsenvError {
  // A stsenv it ran that stopped a loop: the same words here, exit 2.
  const loop = loopReported(stderr);
  if (loop) return loop;
  const said = lastLine(stderr);
  return failure(`${what} failed (${how})${said ? `: ${printable(said)}` : ''}`, {
    hint: 'run the command by hand to see why',
  });
}

function field(parsed: Record<string, unknown>, name: string, what: string, required: boolean): string | undefined {
  const value = parsed[name];
  if (value === undefined || value === null) {
    if (required) throw badOutput(what, `has no ${name}`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw badOutput(what, `has an unusable ${name}`);
  return value;
}

function badOutput(what: string, why: string): StsenvError {
  return failure(`the output of ${what} ${why}`, {
    hint: 'it must print credential_process JSON: {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}',
  });
}

/**
 * Reads the JSON as botocore does: Version 1, AccessKeyId and
 * SecretAccessKey required, SessionToken and Expiration optional. Nothing of
 * the text reaches a message: it holds the secret.
 */
export function readProcessOutput(stdout: string, what: string, now: Date): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw badOutput(what, 'is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw badOutput(what, 'is not a JSON object');
  const object = parsed as Record<string, unknown>;
  if (object.Version !== 1)
    throw badOutput(what, object.Version === undefined ? 'has no Version' : 'has a Version other than 1');
  const accessKeyId = field(object, 'AccessKeyId', what, true)!;
  const secretAccessKey = field(object, 'SecretAccessKey', what, true)!;
  const sessionToken = field(object, 'SessionToken', what, false);
  const expirationText = field(object, 'Expiration', what, false);
  let expiration: Date | undefined;
  if (expirationText !== undefined) {
    expiration = new Date(expirationText);
    if (Number.isNaN(expiration.getTime())) throw badOutput(what, 'has an unreadable Expiration');
    if (expiration.getTime() <= now.getTime())
      throw failure(`${what} gave credentials that expired at ${expiration.toISOString()}`, {
        hint: "check the command and this machine's clock",
      });
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
}

/**
 * Runs the credential_process of `profile` and gives its credentials. The
 * process gets stsenv's environment and STSENV_RESOLVING_PROFILES naming
 * this profile, so a stsenv it starts for the same profile stops at once.
 */
export async function processCredentials(
  root: { profile: string; command: string },
  ctx: Context,
): Promise<Credentials> {
  const what = `credential_process of profile '${root.profile}'`;
  const env: NodeJS.ProcessEnv = {};
  enterProfile(root.profile, ctx.env, env);
  const stdout = await runHelperCommand(root.command, {
    what,
    timeoutMs: CREDENTIAL_PROCESS_TIMEOUT_MS,
    ctx,
    env,
    asCredentialProcess: true,
    failed: (how, stderr) => failedRun(what, how, stderr),
  });
  return readProcessOutput(stdout, what, ctx.now());
}
