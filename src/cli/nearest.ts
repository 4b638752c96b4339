import { distance } from 'fastest-levenshtein';

/**
 * The word a mistyped one most likely meant: the only candidate it begins
 * (an abbreviation: `--dur` for `--duration`), else the nearest by edit
 * distance if a third of its letters or fewer differ. Undefined when
 * nothing is that close: a wild guess helps no one.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const extending = word.length >= 2 ? candidates.filter((c) => c.startsWith(word)) : [];
  if (extending.length === 1) return extending[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(1, Math.floor(Math.max(word.length, best.length) / 3)) ? best : undefined;
}
