/**
 * The bench's second part: stsenv on every supported Node major (the binaries
 * pinned in test/support/runtimes.json), with the package as users get it
 * from npm, built on another Node (dist/, as `npm run bench` just built it on
 * the machine's Node), next to a package built on that very Node (a copy of
 * dist/ whose code caches that Node trained). From the second run on, stsenv's
 * own code cache (src/own-code-cache.ts) should make the first as fast as the
 * second: a cache hit within 5%, a request within 10%.
 *
 * Then the Linux single executable (dist-exe/, `npm run build:exe`), when
 * built: its size, and its start next to `node -e 0` and the npm package on
 * the same Node.
 */
import { trainCodeCaches } from '../build/code-caches.mjs';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeSts } from '../test/support/fake-sts.js';
import { isolatedEnv } from '../test/support/run-cli.js';
import { MAJORS, nodeBinary, RUNTIMES } from '../test/support/runtimes.mjs';
import { median, type Paired, pairedRatio, pairedRounds, ratioToBare, run } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXE = join(ROOT, 'dist-exe', 'stsenv-linux-x64');

interface Options {
  fake: FakeSts;
  scratch: string;
  runs: number;
  warmup: number;
  role: string;
}

interface Row {
  name: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  requests: number;
}

/** A copy of dist/ whose code caches `node` trained: the package as `npm pack` on that Node makes it. */
async function builtOn(node: string, dir: string): Promise<string> {
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  for (const name of readdirSync(dir, { recursive: true }) as string[])
    if (name.endsWith('.cache')) unlinkSync(join(dir, name));
  await trainCodeCaches(dir, node);
  return join(dir, 'stsenv.cjs');
}

/**
 * Runs every row in alternating rounds, each run right after one of the first row (node -e 0),
 * as the bench's main table does (bench.ts): by name, what each gave.
 */
async function measure(rows: Row[], { fake, runs, warmup }: Options): Promise<Map<string, Paired>> {
  const [yardstick, ...others] = rows;
  const timed = async (row: Row) => {
    fake.reset();
    const sample = await run(row.argv, row.env);
    if (sample.code !== 0) throw new Error(`${row.name} exited with ${sample.code}`);
    if (fake.requests.length !== row.requests)
      throw new Error(`${row.name} made ${fake.requests.length} STS requests, expected ${row.requests}`);
    return sample.ms;
  };
  const measured = await pairedRounds(yardstick!, others, { warmup, runs }, timed, () => process.stderr.write('.'));
  return new Map([...measured].map(([row, paired]) => [row.name, paired]));
}

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/** Prints the tables; returns how many targets were missed. */
export async function runtimeTables(options: Options): Promise<number> {
  const { fake, scratch, role } = options;
  let failed = 0;
  let homes = 0;
  /**
   * A HOME used for every run of one row: stsenv's own code cache is made by the
   * first (warm-up) run. `request`: the credential cache off, so that each run asks STS.
   */
  const home = (request: boolean) => {
    const dir = join(scratch, `runtime-home-${++homes}`);
    mkdirSync(dir);
    return isolatedEnv(dir, {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: options.fake.url,
      STSENV_NO_CACHE: request ? '1' : undefined,
    });
  };

  const shipped = join(ROOT, 'dist', 'stsenv.cjs');
  const results: string[][] = [];
  let exeRows: string[][] | undefined;
  for (const major of MAJORS) {
    const node = nodeBinary(major);
    process.stderr.write(`bench: Node ${RUNTIMES.node[major]}: training a package on it`);
    const own = await builtOn(node, join(scratch, `built-on-${major}`));
    const rows: Row[] = [{ name: 'node -e 0', argv: [node, '-e', '0'], env: home(false), requests: 0 }];
    for (const [build, cli] of [
      ['own', own],
      ['shipped', shipped],
    ] as const) {
      const hitEnv = home(false);
      fake.reset();
      // The credential cache filled first; it is not what is measured.
      const filled = await run([node, cli, 'assume', role], hitEnv);
      if (filled.code !== 0) throw new Error(`stsenv on Node ${major} exited with ${filled.code}`);
      rows.push({ name: `hit ${build}`, argv: [node, cli, 'assume', role], env: hitEnv, requests: 0 });
      rows.push({ name: `request ${build}`, argv: [node, cli, 'assume', role], env: home(true), requests: 1 });
    }
    const exe = major === RUNTIMES.lts && existsSync(EXE);
    if (exe) {
      const hitEnv = home(false);
      // Asynchronous: the fake STS answers from this process.
      await run([EXE, 'assume', role], hitEnv);
      rows.push({ name: 'exe --version', argv: [EXE, '--version'], env: hitEnv, requests: 0 });
      rows.push({ name: 'npm --version', argv: [node, own, '--version'], env: hitEnv, requests: 0 });
      rows.push({ name: 'exe unset', argv: [EXE, 'unset'], env: hitEnv, requests: 0 });
      rows.push({ name: 'npm unset', argv: [node, own, 'unset'], env: hitEnv, requests: 0 });
      rows.push({ name: 'exe hit', argv: [EXE, 'assume', role], env: hitEnv, requests: 0 });
      rows.push({ name: 'exe request', argv: [EXE, 'assume', role], env: home(true), requests: 1 });
    }
    const measured = await measure(rows, options);
    process.stderr.write('\n');
    const base = median(measured.get('node -e 0')!.times);
    const ratio = (name: string) => `${ratioToBare(measured.get(name)!).toFixed(2)}x`;
    /** The change from row `from` to row `to`, round by round. */
    const change = (to: string, from: string) => pairedRatio(measured.get(to)!.times, measured.get(from)!.times) - 1;
    const check = (name: string, limit: number) => {
      const shift = change(`${name} shipped`, `${name} own`);
      const ok = shift <= limit;
      if (!ok) failed++;
      return `${shift >= 0 ? '+' : ''}${(shift * 100).toFixed(1)}% (≤ ${limit * 100}% ${ok ? 'ok' : 'MISSED'})`;
    };
    results.push([
      `Node ${RUNTIMES.node[major]}`,
      `${base.toFixed(1)} ms`,
      ratio('hit own'),
      ratio('hit shipped'),
      check('hit', 0.05),
      ratio('request own'),
      ratio('request shipped'),
      check('request', 0.1),
    ]);
    if (exe) {
      const exeVsNpm = (path: string) => `${(change(`exe ${path}`, `npm ${path}`) * 100).toFixed(1)}%`;
      exeRows = [
        ['--version', ratio('exe --version'), ratio('npm --version'), exeVsNpm('--version')],
        ['unset', ratio('exe unset'), ratio('npm unset'), exeVsNpm('unset')],
        [
          'assume ROLE (cache hit)',
          ratio('exe hit'),
          ratio('hit own'),
          `${(change('exe hit', 'hit own') * 100).toFixed(1)}%`,
        ],
        [
          'assume ROLE (1 request)',
          ratio('exe request'),
          ratio('request own'),
          `${(change('exe request', 'request own') * 100).toFixed(1)}%`,
        ],
      ];
    }
  }
  console.log('');
  console.log(
    `Every supported Node, its package built on Node ${process.version} (dist/, as npm pack here makes it) next to one built on that Node; ratios to that Node's node -e 0, from the second run in one HOME:`,
  );
  console.log('');
  table(
    [
      'Node',
      'node -e 0',
      'hit, built on it',
      'hit, built on another',
      'hit change',
      'request, built on it',
      'request, built on another',
      'request change',
    ],
    results,
  );
  if (exeRows) {
    console.log('');
    console.log(
      `The Linux single executable (dist-exe/stsenv-linux-x64, ${(statSync(EXE).size / 2 ** 20).toFixed(1)} MiB${existsSync(join(ROOT, 'dist-exe', 'stsenv-win-x64.exe')) ? `; stsenv-win-x64.exe ${(statSync(join(ROOT, 'dist-exe', 'stsenv-win-x64.exe')).size / 2 ** 20).toFixed(1)} MiB` : ''}), against node -e 0 and the npm package on Node ${RUNTIMES.node[RUNTIMES.lts]}:`,
    );
    console.log('');
    table(['path', 'single executable', 'npm package', 'change'], exeRows);
  } else {
    console.log('Single executable skipped: dist-exe/stsenv-linux-x64 is not built (npm run build:exe).');
  }
  return failed;
}
