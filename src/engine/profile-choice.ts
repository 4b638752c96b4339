/**
 * The one rule for which profile a run uses, for its credentials and its
 * region alike: --profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE (the
 * AWS CLI's order; blank values count as unset), else none: the default
 * chain (undefined).
 */
export interface ProfileChoice {
  name: string;
  /**
   * Where the name came from, carried as it was: a --profile must exist and
   * comes before the key variables; a variable's profile comes after them
   * (build-plan.ts), and messages and --debug name the variable.
   */
  from: '--profile' | 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE';
}

const PROFILE_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const;

export function chooseProfile(flag: string | undefined, env: NodeJS.ProcessEnv): ProfileChoice | undefined {
  if (flag !== undefined) return { name: flag, from: '--profile' };
  for (const name of PROFILE_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return { name: value, from: name };
  }
  return undefined;
}

/** `profile 'NAME'`, with where it came from unless it was --profile. */
export function describeChoice(choice: ProfileChoice): string {
  return choice.from === '--profile' ? `profile '${choice.name}'` : `profile '${choice.name}' (from ${choice.from})`;
}
