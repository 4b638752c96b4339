import { usageError } from './errors.js';

/** STS's DurationSeconds bounds for each operation (seconds). */
export const DURATION_LIMITS = {
  AssumeRole: { min: 900, max: 43_200 },
  AssumeRoleWithWebIdentity: { min: 900, max: 43_200 },
  AssumeRoleWithSAML: { min: 900, max: 43_200 },
  GetSessionToken: { min: 900, max: 129_600 },
  GetFederationToken: { min: 900, max: 129_600 },
  /** The federation endpoint's SessionDuration (stsenv console). */
  'the console session': { min: 900, max: 43_200 },
} as const;

export type DurationOperation = keyof typeof DURATION_LIMITS;

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** `3600`, `15m`, `1h`, `1h30m`, `90s` to seconds; undefined when it is none of those. */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match || trimmed === '') return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) * UNIT_SECONDS.h! + Number(m) * UNIT_SECONDS.m! + Number(s);
}

function describe(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** A --duration value checked against the bounds STS applies to `operation`. */
export function durationFor(operation: DurationOperation, text: string | number, option = '--duration'): number {
  const seconds = typeof text === 'number' ? text : parseDurationSeconds(text);
  const { min, max } = DURATION_LIMITS[operation];
  if (seconds === undefined || !Number.isInteger(seconds)) {
    throw usageError(`invalid ${option} '${text}'`, 'give seconds (3600) or a length such as 15m, 1h, 12h');
  }
  if (seconds < min || seconds > max) {
    throw usageError(
      `${option} ${describe(seconds)} is out of range for ${operation}`,
      `it must be between ${describe(min)} and ${describe(max)} (${min}-${max} seconds)`,
    );
  }
  return seconds;
}
