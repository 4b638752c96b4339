/** Timing one run of a command, as the bench does for every path. */
import { spawn } from 'node:child_process';

export interface Sample {
  ms: number;
  code: number | null;
}

/** The environment of a measured run: no NODE_EXTRA_CA_CERTS, which Node would read at every start (npm keeps it). */
export function measuredEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = env;
  return rest;
}

export function run(argv: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { env: measuredEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    // Read what it writes, as a shell's $(...) would.
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code }));
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median of a[i] / b[i]: the ratio of two paths from runs made one after the other,
 * pair by pair, so that the machine's drift between rounds (5% here from one run of the
 * bench to the next) cancels out, where a ratio of two medians keeps it.
 */
export function pairedRatio(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`paired samples differ in number: ${a.length} and ${b.length}`);
  return median(a.map((value, i) => value / b[i]!));
}

/** What paired rounds gave each path: its times, and the time of the yardstick's run just before each. */
export interface Paired {
  times: number[];
  bare: number[];
}

/**
 * `warmup` then `runs` rounds over `paths`, each run of a path right after a run of
 * `yardstick` (node -e 0), timed by `timed`; by path, what the counted rounds gave. The
 * yardstick's own entry holds every one of its runs (`bare` empty). `round` is called
 * at the start of each round (the bench's progress dots).
 */
export async function pairedRounds<P>(
  yardstick: P,
  paths: readonly P[],
  { warmup, runs }: { warmup: number; runs: number },
  timed: (path: P) => Promise<number>,
  round: () => void = () => {},
): Promise<Map<P, Paired>> {
  const result = new Map<P, Paired>([yardstick, ...paths].map((path) => [path, { times: [], bare: [] }]));
  for (let n = 0; n < warmup + runs; n++) {
    round();
    for (const path of paths) {
      const bare = await timed(yardstick);
      const ms = await timed(path);
      if (n < warmup) continue;
      result.get(yardstick)!.times.push(bare);
      result.get(path)!.times.push(ms);
      result.get(path)!.bare.push(bare);
    }
  }
  return result;
}

/** A path's ratio to the yardstick, pair by pair (1 for the yardstick itself). */
export function ratioToBare({ times, bare }: Paired): number {
  return bare.length === 0 ? 1 : pairedRatio(times, bare);
}
