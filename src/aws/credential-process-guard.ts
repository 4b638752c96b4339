/**
 * A profile whose credential_process runs stsenv, selected through
 * AWS_PROFILE, would make stsenv resolve that same profile through the SDK,
 * which runs the credential_process, which is stsenv again: without end
 * (seen growing to 63 processes through the AWS CLI). Each stsenv that lets
 * the SDK resolve a profile names it in STSENV_RESOLVING_PROFILES, which
 * the SDK passes to what it runs; a stsenv asked to resolve a profile
 * already named there stops at once. The AWS CLI's own
 * `configure export-credentials` guards against the same loop.
 */
import { usageError, type StsenvError } from '../errors.js';

export const RESOLVING_VARIABLE = 'STSENV_RESOLVING_PROFILES';

/** Words every loop message starts with: a parent stsenv knows its child's (errors.ts). */
export const LOOP_MESSAGE = 'a credential_process loop:';

function loopError(profile: string): StsenvError {
  return usageError(
    `${LOOP_MESSAGE} profile '${profile}' gets its credentials from stsenv, and that stsenv was asked to start from profile '${profile}' again`,
    `put --profile BASE in the credential_process line of profile '${profile}', naming the profile whose credentials stsenv should start from`,
  );
}

/**
 * Before the SDK resolves `profile` (`default` for its default chain): fails
 * if an enclosing stsenv is resolving it already, else names it for the
 * processes the SDK may start.
 */
export function enterProfile(profile: string, env: NodeJS.ProcessEnv, sdkEnv: NodeJS.ProcessEnv): void {
  const resolving = (env[RESOLVING_VARIABLE] ?? '').split('\n').filter(Boolean);
  if (resolving.includes(profile)) throw loopError(profile);
  sdkEnv[RESOLVING_VARIABLE] = [...resolving, profile].join('\n');
}

/** The loop a child stsenv reported, read back from the SDK's credential_process error (its stderr). */
export function loopReported(text: string): StsenvError | undefined {
  const found = new RegExp(`stsenv: error: ${LOOP_MESSAGE} profile '(.+?)' gets its credentials`).exec(text);
  return found ? loopError(found[1]!) : undefined;
}
