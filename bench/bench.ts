/**
 * `npm run bench`: how long stsenv takes to start and answer, next to bare
 * Node (`node -e 0`) and the AWS CLI v2, on this machine, in one run.
 *
 * The profile rows assume one profile from a config of 2 profiles and from
 * one of 3,000 (README: Large configs): a cache hit, a request and
 * completion each, and the ratio of the two hits.
 *
 * Every path runs against the loopback fake STS, in a HOME of its own. Runs
 * alternate between paths (round robin, after warm-up rounds), and each run
 * of a path comes right after a run of `node -e 0`: a ratio to bare Node is
 * the median of those pairs' ratios, not a ratio of two medians, so that the
 * machine's drift (5% from one run of the bench to the next, here) cancels
 * out instead of landing on the ratio. The ratios between two paths (3,000
 * profiles to 2, a build to its --baseline) are taken round by round the
 * same way. Wall time is measured from spawn to exit; peak RSS comes from
 * separate runs under /usr/bin/time (Debian package `time`), so that its own
 * start does not count in the times.
 *
 *   npm run bench                 # 15 rounds
 *   npm run bench -- --runs 30    # more rounds for steadier medians
 *   npm run bench -- --no-size    # skip the npm pack / npm install -g size
 *   npx tsx bench/prompt-hook.ts  # only the prompt hooks' cost far from expiry (also at the end of every run)
 *   npm run bench -- --baseline DIR   # also time the build in DIR (a checkout with dist/),
 *                                     # path by path in the same rounds, for a before/after
 *   npm run bench -- --no-runtimes    # skip the tables of supported Node majors (runtimes.ts)
 *   npm run bench -- --runtimes-only  # only those
 *   npm run bench -- --only 'unset|cache hit'  # only the paths whose names match (and node -e 0)
 *
 * NODE_EXTRA_CA_CERTS is unset for every run measured (Node would read the file at each
 * start), never for npm.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSts, type FakeSts } from '../test/support/fake-sts.js';
import { promptHookCost } from './prompt-hook.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, isolatedEnv } from '../test/support/run-cli.js';
import { measuredEnv, median, pairedRatio, pairedRounds, ratioToBare, run } from './measure.js';
import { runtimeTables } from './runtimes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROLE = 'arn:aws:iam::123456789012:role/bench';
const AWS_V2 = '/usr/bin/aws';
const TIME = '/usr/bin/time';
/** What `npm install -g` puts on PATH (package.json bin). */
const CLI = fileURLToPath(new URL('../dist/stsenv.cjs', import.meta.url));

/**
 * One POST to the endpoint with an HMAC-SHA256 over its body, as a signer would make: node:http
 * and node:crypto loaded, one round trip, nothing else. The fake STS refuses it (no real
 * signature); the status is all this prints.
 */
const RAW_REQUEST = `
const body = 'Action=GetCallerIdentity&Version=2011-06-15';
const signature = require('node:crypto').createHmac('sha256', 'key').update(body).digest('hex');
const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: signature };
const request = require('node:http').request(process.argv[1], { method: 'POST', headers }, (response) => {
  response.resume().on('end', () => process.stdout.write(response.statusCode + '\\n'));
});
request.end(body);
`;

/** An organisation's config (what `sso populate` writes): role profiles p0, p1... over one base profile, 5 lines each. */
const LARGE_CONFIG = 3000;
/** The profile the config rows assume: the same in the small config and the large one. */
const PROFILE = 'p1500';

function profilesConfig(numbers: number[]): string {
  const lines = ['[profile base]', 'region = us-east-1', ''];
  for (const n of numbers)
    lines.push(
      `[profile p${n}]`,
      `role_arn = arn:aws:iam::123456789012:role/r${n}`,
      'source_profile = base',
      'region = us-east-1',
      '',
    );
  return lines.join('\n');
}

interface Path {
  name: string;
  argv: string[];
  /** Fresh environment for each run (a fresh cache when a request must happen). */
  env: () => NodeJS.ProcessEnv;
  /** Highest allowed ratio to `node -e 0`, when the issue sets one. */
  maxRatio?: number;
  /** How many STS requests one run must make; checked, so that the table measures what it says. */
  requests?: number;
  /** The same path run by the --baseline build. */
  baseline?: Path;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

function stringOption(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const RUNS = option('--runs', 15);
const BASELINE_DIR = stringOption('--baseline');
const WARMUP = option('--warmup', 3);
const SIZE = !process.argv.includes('--no-size');
const RUNTIME_TABLES = !process.argv.includes('--no-runtimes');
const RUNTIMES_ONLY = process.argv.includes('--runtimes-only');
/** Only the paths whose names match (and node -e 0, the yardstick): a quick before/after while working on one path. */
const ONLY = stringOption('--only');

/**
 * Peak RSS in KiB of one whole run, from GNU time's %M, or undefined when /usr/bin/time is
 * missing. Asynchronous: the fake STS answers from this process (a blocking spawn would leave
 * a request unanswered, and measure a run that timed out).
 */
function peakRssKiB(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  if (!existsSync(TIME)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', '%M', ...argv], { env: measuredEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stderr.trim().split('\n');
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited with ${code} under ${TIME}: ${lines[0]}`));
      else resolve(/^\d+$/.test(lines.at(-1) ?? '') ? Number(lines.at(-1)) : undefined);
    });
  });
}

function awsCliV2(): boolean {
  if (!existsSync(AWS_V2)) return false;
  const result = spawnSync(AWS_V2, ['--version'], { encoding: 'utf8' });
  return /^aws-cli\/2\./.test(`${result.stdout}${result.stderr}`);
}

function duSize(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + duSize(join(path, name)), 0);
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

/** What `npm pack` would publish, and what `npm install -g` of that tarball puts on disk. */
function installedSize(): string[] {
  const lines: string[] = [];
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [pack] = JSON.parse(
    execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as Array<{
    size: number;
    unpackedSize: number;
    entryCount: number;
  }>;
  lines.push(`npm pack: ${pack!.entryCount} files, ${kib(pack!.size)} tarball, ${kib(pack!.unpackedSize)} unpacked`);
  const dir = mkdtempSync(join(tmpdir(), 'stsenv-bench-install-'));
  try {
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' });
    const tarball = join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!);
    const prefix = join(dir, 'prefix');
    const install = (extra: string[]) =>
      spawnSync(
        npm,
        ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', ...extra, tarball],
        { stdio: 'ignore' },
      ).status === 0;
    // Dependencies come from npm's cache when they are there; the registry otherwise.
    if (!install(['--offline']) && !install(['--prefer-offline'])) {
      lines.push('npm install -g: failed (offline, and the registry was not reachable)');
      return lines;
    }
    const packageDir = join(prefix, 'lib', 'node_modules', 'stsenv');
    const own =
      duSize(packageDir) -
      (existsSync(join(packageDir, 'node_modules')) ? duSize(join(packageDir, 'node_modules')) : 0);
    lines.push(`npm install -g: ${kib(duSize(prefix))} on disk (stsenv itself ${kib(own)}, dependencies the rest)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node build.mjs first (npm run bench does)`);
  const fake: FakeSts = await startFakeSts();
  const scratch = mkdtempSync(join(tmpdir(), 'stsenv-bench-'));
  let fresh = 0;
  // A HOME (and cache) nobody has used: the command must ask STS.
  const freshEnv = (extra: NodeJS.ProcessEnv = {}) => {
    const home = join(scratch, `home-${++fresh}`);
    mkdirSync(home);
    // The credential cache on, as users have it (the test environment turns it off).
    return isolatedEnv(home, {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: fake.url,
      STSENV_NO_CACHE: undefined,
      ...extra,
    });
  };
  try {
    if (RUNTIMES_ONLY) {
      process.exitCode = (await runtimeTables({ fake, scratch, runs: RUNS, warmup: WARMUP, role: ROLE })) ? 1 : 0;
      return;
    }
    const node = process.execPath;
    const stsenv = (...args: string[]) => [node, CLI, ...args];
    const shared = freshEnv();
    const paths: Path[] = [
      { name: 'node -e 0', argv: [node, '-e', '0'], env: () => shared },
      { name: 'stsenv --version', argv: stsenv('--version'), env: () => shared, maxRatio: 1.2, requests: 0 },
      { name: 'stsenv --help', argv: stsenv('--help'), env: () => shared, maxRatio: 1.2, requests: 0 },
      { name: 'stsenv unset', argv: stsenv('unset'), env: () => shared, maxRatio: 1.2, requests: 0 },
      { name: 'stsenv init bash', argv: stsenv('init', 'bash'), env: () => shared, maxRatio: 1.2, requests: 0 },
    ];

    // A cache hit, when this build has a cache: the second run in one HOME must make no request.
    const cacheHome = freshEnv();
    await run(stsenv('assume', ROLE), cacheHome);
    fake.reset();
    const second = await run(stsenv('assume', ROLE), cacheHome);
    const hasCache = second.code === 0 && fake.requests.length === 0;
    if (hasCache)
      paths.push({
        name: 'stsenv assume ROLE (cache hit)',
        argv: stsenv('assume', ROLE),
        env: () => cacheHome,
        maxRatio: 1.2,
        requests: 0,
      });
    paths.push({
      name: 'stsenv assume ROLE (1 request)',
      argv: stsenv('assume', ROLE),
      env: () => freshEnv(),
      maxRatio: 1.6,
      requests: 1,
    });

    // The same profile from a config of 2 profiles and from one of 3,000: the second must cost no more.
    const configs = [
      { label: '2 profiles', numbers: [1500] },
      {
        label: `${LARGE_CONFIG.toLocaleString('en')} profiles`,
        numbers: Array.from({ length: LARGE_CONFIG }, (_, n) => n),
      },
    ];
    // By kind, then by config: each row of 3,000 profiles right after its row of 2, in the table and in every round.
    const hits: Path[] = [];
    const requests: Path[] = [];
    const completions: Path[] = [];
    for (const { label, numbers } of configs) {
      const dir = join(scratch, `config-${numbers.length}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'config'), profilesConfig(numbers));
      writeFileSync(
        join(dir, 'credentials'),
        `[base]\naws_access_key_id = ${BASE_ACCESS_KEY_ID}\naws_secret_access_key = ${BASE_SECRET_ACCESS_KEY}\n`,
      );
      // The profile signs, not the key variables.
      const files = {
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_REGION: undefined,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
      };
      const profileHome = freshEnv(files);
      const assume = stsenv('assume', '--profile', PROFILE);
      if (hasCache) {
        await run(assume, profileHome);
        hits.push({
          name: `stsenv assume --profile ${PROFILE} (cache hit, ${label})`,
          argv: assume,
          env: () => profileHome,
          maxRatio: 1.25,
          requests: 0,
        });
      }
      requests.push({
        name: `stsenv assume --profile ${PROFILE} (1 request, ${label})`,
        argv: assume,
        env: () => freshEnv(files),
        requests: 1,
      });
      completions.push({
        name: `stsenv __complete assume --profile p (${label})`,
        argv: stsenv('__complete', 'assume', '--profile', 'p'),
        env: () => profileHome,
        maxRatio: 1.3,
      });
    }
    paths.push(...hits, ...requests, ...completions);
    // What any Node program pays for one signed request, with no SDK and no work: the floor under the row above.
    paths.push({
      name: 'floor: node, 1 raw HTTP request',
      argv: [node, '-e', RAW_REQUEST, fake.url],
      env: () => shared,
      requests: 1,
    });

    if (ONLY !== undefined) {
      const wanted = new RegExp(ONLY);
      const kept = paths.filter((path, i) => i === 0 || wanted.test(path.name));
      paths.splice(0, paths.length, ...kept);
      hits.splice(0, hits.length, ...hits.filter((hit) => kept.includes(hit)));
    }

    // The --baseline build runs every stsenv path too, in the same rounds, so that a change is measured against what it changes.
    if (BASELINE_DIR) {
      const baselineCli = join(BASELINE_DIR, 'dist', 'stsenv.cjs');
      if (!existsSync(baselineCli))
        throw new Error(
          `${baselineCli} is missing: build the baseline first (npm ci && npm run build in ${BASELINE_DIR})`,
        );
      // Each right after its path, in every round.
      for (const path of [...paths]) {
        if (path.argv[1] !== CLI) continue;
        path.baseline = {
          ...path,
          name: `${path.name} [baseline]`,
          argv: [node, baselineCli, ...path.argv.slice(2)],
          maxRatio: undefined,
        };
        paths.splice(paths.indexOf(path) + 1, 0, path.baseline);
      }
    }

    const withAws = ONLY === undefined && awsCliV2();
    if (withAws) {
      paths.push({
        name: 'aws sts assume-role (AWS CLI v2)',
        argv: [
          AWS_V2,
          'sts',
          'assume-role',
          '--role-arn',
          ROLE,
          '--role-session-name',
          'bench',
          '--endpoint-url',
          fake.url,
          '--region',
          'us-east-1',
        ],
        env: () => freshEnv(),
        requests: 1,
      });
    }

    // Every run of a path right after one of node -e 0 (the yardstick).
    const yardstick = paths[0]!;
    const timed = async (path: Path) => {
      const env = path.env();
      fake.reset();
      const sample = await run(path.argv, env);
      if (sample.code !== 0) throw new Error(`${path.name} exited with ${sample.code}`);
      if (path.requests !== undefined && fake.requests.length !== path.requests) {
        throw new Error(`${path.name} made ${fake.requests.length} STS requests, expected ${path.requests}`);
      }
      return sample.ms;
    };
    process.stderr.write(
      `bench: ${WARMUP} warm-up and ${RUNS} measured rounds over ${paths.length - 1} paths, each paired with node -e 0`,
    );
    const measured = await pairedRounds(yardstick, paths.slice(1), { warmup: WARMUP, runs: RUNS }, timed, () =>
      process.stderr.write('.'),
    );
    const samples = (path: Path) => measured.get(path)!.times;
    process.stderr.write('\n');

    const awsPath = paths.find((p) => p.argv[0] === AWS_V2);
    const requestPath = paths.find((p) => p.name.includes('1 request'));
    const rows: string[][] = [
      ['path', 'median', 'vs node -e 0', 'target', 'peak RSS', ...(BASELINE_DIR ? ['baseline', 'vs baseline'] : [])],
    ];
    let failed = 0;
    const baselines = new Set(paths.flatMap((p) => (p.baseline ? [p.baseline] : [])));
    for (const path of paths) {
      if (baselines.has(path)) continue;
      const ms = median(samples(path));
      const ratio = ratioToBare(measured.get(path)!);
      let target = '';
      if (path.maxRatio !== undefined) {
        const ok = ratio <= path.maxRatio;
        if (!ok) failed++;
        target = `≤ ${path.maxRatio}x ${ok ? 'ok' : 'MISSED'}`;
      }
      fake.reset();
      const rss = await peakRssKiB(path.argv, path.env());
      if (path.requests !== undefined && fake.requests.length !== path.requests) {
        throw new Error(
          `${path.name} made ${fake.requests.length} STS requests under ${TIME}, expected ${path.requests}`,
        );
      }
      let rssText = rss === undefined ? 'n/a' : kib(rss * 1024);
      if (path === requestPath && rss !== undefined) {
        const ok = rss <= 70 * 1024;
        if (!ok) failed++;
        rssText += ` (≤ 70 MiB ${ok ? 'ok' : 'MISSED'})`;
      }
      const row = [path.name, `${ms.toFixed(1)} ms`, `${ratio.toFixed(2)}x`, target, rssText];
      if (BASELINE_DIR) {
        const before = path.baseline ? median(samples(path.baseline)) : undefined;
        const change = path.baseline ? pairedRatio(samples(path), samples(path.baseline)) - 1 : 0;
        row.push(
          before === undefined ? '' : `${before.toFixed(1)} ms`,
          before === undefined ? '' : `${(change * 100).toFixed(1)}%`,
        );
      }
      rows.push(row);
    }
    if (hits.length === 2) {
      const growth = pairedRatio(samples(hits[1]!), samples(hits[0]!));
      const ok = growth <= 1.05;
      if (!ok) failed++;
      rows.push([
        `cache hit, ${configs[1]!.label} / ${configs[0]!.label}`,
        `${growth.toFixed(3)}x`,
        '',
        `≤ 1.05x ${ok ? 'ok' : 'MISSED'}`,
        '',
        ...(BASELINE_DIR ? ['', ''] : []),
      ]);
    }
    if (awsPath) {
      const times = pairedRatio(samples(awsPath), samples(requestPath!));
      const ok = times >= 4;
      if (!ok) failed++;
      rows.push([
        `AWS CLI v2 / stsenv, same request`,
        `${times.toFixed(1)}x`,
        '',
        `≥ 4x ${ok ? 'ok' : 'MISSED'}`,
        '',
        ...(BASELINE_DIR ? ['', ''] : []),
      ]);
    }
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
    console.log(line(rows[0]!));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of rows.slice(1)) console.log(line(row));
    console.log('');
    console.log(
      `${RUNS} runs per path (after ${WARMUP} warm-up rounds), Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs.`,
    );
    console.log(
      'vs node -e 0: the median of the ratios of each run to the run of node -e 0 just before it; the ratios between paths (3,000 profiles to 2, the AWS CLI to stsenv, a build to its baseline) likewise round by round.',
    );
    console.log('The floor row is no stsenv path: bare Node making one request to the same endpoint, with no SDK.');
    if (BASELINE_DIR)
      console.log(
        `Baseline: the build in ${BASELINE_DIR}, each path run in the same rounds (a negative change is faster).`,
      );
    if (ONLY !== undefined) console.log(`Only the paths matching /${ONLY}/: no sizes, runtimes or prompt hooks.`);
    else if (!withAws) console.log(`AWS CLI v2 comparison skipped: ${AWS_V2} is missing or not version 2.`);
    if (!hasCache)
      console.log(
        'Cache-hit path skipped: a second `stsenv assume` in the same HOME still asked STS (no cache in this build).',
      );
    if (ONLY === undefined) {
      if (SIZE) for (const sizeLine of installedSize()) console.log(sizeLine);
      if (RUNTIME_TABLES) failed += await runtimeTables({ fake, scratch, runs: RUNS, warmup: WARMUP, role: ROLE });
      console.log('');
      for (const hookLine of promptHookCost()) console.log(hookLine);
    }
    if (failed) {
      console.log(`${failed} target(s) missed.`);
      process.exitCode = 1;
    }
  } finally {
    await fake.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
