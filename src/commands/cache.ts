import type { CommandSpec, OptionValues } from './spec.js';
import type { CacheEntrySummary } from '../cache/store.js';
import type { Context } from '../context.js';
import { isoSeconds } from '../credentials.js';
import { openCache } from '../engine/index.js';
import { printable } from '../text/printable.js';

const OPTIONS = {
  json: { type: 'boolean', describe: 'cache list as JSON for programs' },
} as const;

export type CacheCommandOptions = OptionValues<typeof OPTIONS> & { action?: string };

function left(entry: CacheEntrySummary, now: Date): string {
  const minutes = Math.max(0, Math.floor((entry.expiration.getTime() - now.getTime()) / 60_000));
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m` : `${minutes}m`;
}

/** `cache list` shows what is cached (never a secret); `cache clear` removes it all. */
export function runCache(options: CacheCommandOptions, ctx: Context): number {
  const cache = openCache(ctx);
  const now = ctx.now();
  if (options.action === 'clear') {
    const removed = cache.clear();
    ctx.stderr.write(`stsenv: removed ${removed} cached ${removed === 1 ? 'entry' : 'entries'} from ${cache.dir}\n`);
    return 0;
  }
  const entries = cache.list(now);
  if (options.json) {
    const rows = entries.map((e) => ({ ...e, expiration: isoSeconds(e.expiration) }));
    ctx.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    ctx.stderr.write(`stsenv: the cache is empty (${cache.dir})\n`);
    return 0;
  }
  const lines = entries.map((e) => {
    const what = e.role
      ? `${e.role}${e.sessionName ? ` as ${e.sessionName}` : ''}`
      : `session${e.mfaSerial ? ` with MFA ${e.mfaSerial}` : ''}`;
    // Names come from config files and from the cache's own files: made visible, never obeyed by the terminal.
    return `${printable(e.operation)}\t${printable(what)}\tvia ${printable(e.base)}\t${printable(e.region ?? 'global')}\texpires ${isoSeconds(e.expiration)} (${left(e, now)} left)`;
  });
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export const cacheCommand: CommandSpec<CacheCommandOptions> = {
  name: 'cache',
  describe: 'List (cache list) or remove (cache clear) cached credentials',
  positionals: [{ name: 'action', required: true, choices: ['list', 'clear'], describe: 'list or clear' }],
  options: OPTIONS,
  examples: [
    ['stsenv cache list', 'What is cached, and until when'],
    ['stsenv cache clear', 'Forget every cached credential'],
  ],
  run: runCache,
};
