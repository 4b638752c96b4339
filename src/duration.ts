import { usageError } from './errors.js';
import { durationParts } from './text/plain-forms.js';

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
  // Read without an expression: every run parses --min-remaining's default (text/plain-forms.ts).
  const parts = trimmed === '' ? undefined : durationParts(trimmed);
  if (!parts) return undefined;
  const { seconds, h = '0', m = '0', s = '0' } = parts;
  if (seconds !== undefined) return Number(seconds);
  return Number(h) * UNIT_SECONDS.h! + Number(m) * UNIT_SECONDS.m! + Number(s);
}

/** Seconds as a person writes them: `2h`, `90m`, `45s`. */
export function durationText(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function invalidDuration(option: string, value: string | number) {
  return usageError(`invalid ${option} '${value}'`, 'give seconds (3600) or a length such as 15m, 1h, 12h');
}

/** A --duration as typed, in seconds: parsed once, where the request is made; its bounds are the use's (durationFor). */
export function parseDuration(text: string, option = '--duration'): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw invalidDuration(option, text);
  return seconds;
}

/** A --duration (as typed, or parsed already) held to the bounds STS applies to `operation`. */
export function durationFor(operation: DurationOperation, value: string | number, option = '--duration'): number {
  const seconds = typeof value === 'number' ? value : parseDuration(value, option);
  const { min, max } = DURATION_LIMITS[operation];
  if (!Number.isInteger(seconds)) throw invalidDuration(option, value);
  if (seconds < min || seconds > max) {
    throw usageError(
      `${option} ${durationText(seconds)} is out of range for ${operation}`,
      `it must be between ${durationText(min)} and ${durationText(max)} (${min}-${max} seconds)`,
    );
  }
  return seconds;
}
