/**
 * Time left before `until`, as prompts show it: `42m`, `1h05m`, `expired`.
 * The prompt functions of shells/ compute the same in the shell itself.
 */
export function timeLeft(until: Date, now: Date): string {
  const seconds = Math.floor((until.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return 'expired';
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
