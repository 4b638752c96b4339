/**
 * Guards the structure that keeps stsenv's start-up close to bare Node
 * (npm run bench measures the times; no timing is asserted here): the entry
 * loads nothing for --version and --help, common command lines load neither
 * yargs nor the AWS SDK, and only the paths that call STS load the SDK.
 *
 * Each run of the built CLI goes through a preload that records every file
 * of dist/ that Node loads, CommonJS and ES modules alike.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { warningPrefix } from '../../src/cli/root.js';
import { COMMANDS } from '../../src/commands/index.js';
import { stderrChalk } from '../../src/report-error.js';
import { startFakeSignin, type FakeSignin } from '../support/fake-signin.js';
import { startFakeSso } from '../support/fake-sso.js';
import { startFakeSts, type FakeSts } from '../support/fake-sts.js';
import { KEYS, scriptExecutable, startPty } from '../support/pty.js';
import { shQuote } from '../support/shells.js';
import { isolatedEnv, runCli, tempDir } from '../support/run-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const BIN = join(ROOT, pkg.bin.stsenv!);

// Records each file Node loads: CommonJS through Module._load and the module cache, ES modules through a load hook.
const RECORDER = `
const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments);
  try { appendFileSync(process.env.STSENV_TEST_LOADED, Module._resolveFilename(request, parent, isMain) + '\\n'); } catch {}
  return exported;
};
Module.register(pathToFileURL(require('node:path').join(__dirname, 'recorder-hooks.mjs')));
// Bundles loaded with their code cache (src/code-cache.ts) bypass Module._load but join the cache.
process.on('exit', () => appendFileSync(process.env.STSENV_TEST_LOADED, Object.keys(Module._cache).join('\\n') + '\\n'));
// Node's own modules, public and internal, as node:NAME.
process.on('exit', () => appendFileSync(process.env.STSENV_TEST_LOADED, process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'node:' + m.slice(13)).join('\\n') + '\\n'));
`;
const RECORDER_HOOKS = `
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.STSENV_TEST_LOADED, fileURLToPath(url) + '\\n');
  return next(url, context);
}
`;

let fake: FakeSts;
let signin: FakeSignin;
let scratch: { dir: string; cleanup: () => void };
let recorder: string;
let runs = 0;

before(async () => {
  fake = await startFakeSts();
  signin = await startFakeSignin(() => fake.issued);
  scratch = tempDir();
  recorder = join(scratch.dir, 'recorder.cjs');
  writeFileSync(recorder, RECORDER);
  writeFileSync(join(scratch.dir, 'recorder-hooks.mjs'), RECORDER_HOOKS);
});

after(async () => {
  await fake.close();
  await signin.close();
  scratch.cleanup();
});

/** Runs the built CLI (the package's bin) and returns the dist/ files it loaded, relative to dist/. */
async function loadedFiles(args: string[], env: NodeJS.ProcessEnv, expectCode = 0): Promise<string[]> {
  return (await loaded(args, env, expectCode)).files;
}

/** Runs the built CLI: the dist/ files it loaded, relative to dist/, and the Node modules (node:NAME, internal ones too). */
async function loaded(
  args: string[],
  env: NodeJS.ProcessEnv,
  expectCode = 0,
): Promise<{ files: string[]; builtins: Set<string> }> {
  const out = join(scratch.dir, `loaded-${++runs}.txt`);
  writeFileSync(out, '');
  // Asynchronous: the fake STS answers from this process.
  const child = spawn(process.execPath, ['--require', recorder, BIN, ...args], {
    env: { ...env, STSENV_TEST_LOADED: out },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  assert.equal(code, expectCode, `stsenv ${args.join(' ')}: ${stderr}`);
  const lines = readFileSync(out, 'utf8').split('\n');
  const files = lines.filter((line) => line.startsWith(DIST));
  return {
    files: [...new Set(files.map((file) => relative(DIST, file)))],
    builtins: new Set(lines.filter((line) => line.startsWith('node:'))),
  };
}

function homeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = join(scratch.dir, `home-${++runs}`);
  mkdirSync(dir);
  return isolatedEnv(dir, { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: fake.url, ...extra });
}

const isVendor = (name: string, file: string) =>
  file.startsWith(`vendor${'/'}${name}`) || file.startsWith(`vendor\\${name}`);
/** A bundle of stsenv's own code for a rare path (build.mjs: FEATURES). */
const isFeature = (name: string, file: string) =>
  file.startsWith(`features${'/'}${name}`) || file.startsWith(`features\\${name}`);

describe('what each path loads', () => {
  test('--version, --help and init SHELL load only the entry', async () => {
    for (const args of [['--version'], ['-V'], ['--help'], ['assume', '--help'], ['init', 'bash'], ['init', 'PWSH']]) {
      assert.deepEqual(await loadedFiles(args, homeEnv()), [relative(DIST, BIN)], `stsenv ${args.join(' ')}`);
    }
  });

  test('unset, and init under a shell function, load neither yargs nor the AWS SDK, nor any feature bundle', async () => {
    for (const [args, extra] of [
      [['unset'], {}],
      // Under the integration's shell function (STSENV_EVAL) main answers init, as every command.
      [['init', 'bash'], { STSENV_EVAL: 'bash' }],
    ] as const) {
      const files = await loadedFiles([...args], homeEnv(extra));
      assert.ok(files.length > 1, `stsenv ${args.join(' ')} ran its command`);
      assert.deepEqual(
        files.filter((f) => isVendor('', f) || isFeature('', f)),
        [],
        `stsenv ${args.join(' ')} loaded ${files.join(', ')}`,
      );
    }
  });

  test('assume answered from the cache loads neither yargs nor the AWS SDK', async () => {
    const env = homeEnv({ STSENV_NO_CACHE: undefined });
    fake.reset();
    const first = await loadedFiles(['assume', ROLE], env);
    assert.equal(fake.requests.length, 1);
    assert.ok(
      first.some((f) => isVendor('aws', f)),
      `a request loads the SDK: ${first.join(', ')}`,
    );
    assert.ok(!first.some((f) => isVendor('yargs', f)), `a request needs no yargs: ${first.join(', ')}`);
    const second = await loaded(['assume', ROLE], env);
    assert.equal(fake.requests.length, 1, 'the second run was answered from the cache');
    assert.deepEqual(
      second.files.filter((f) => isVendor('', f) || isFeature('', f)),
      [],
      `cache hit loaded ${second.files.join(', ')}`,
    );
    const request = ['sts', 'aws-errors', 'aws-proxy'];
    assert.deepEqual(
      first.filter((f) => isFeature('', f)),
      first.filter((f) => request.some((name) => isFeature(name, f))),
      `a request loads the request's feature bundles, no other: ${first.join(', ')}`,
    );
    // The cache key's SHA-256 is JavaScript: node:crypto and the streams behind it cost more.
    assert.ok(!second.builtins.has('node:crypto'), 'a cache hit loaded node:crypto');
    // Its stdout is /dev/null (stdio 'ignore'): no terminal, known without node:tty and the streams behind it.
    assert.ok(!second.builtins.has('node:tty'), 'a cache hit writing to /dev/null loaded node:tty');
  });

  test('a request loads no part of the SDK it does not use: no HTTP/2, no proxy agent without a proxy', async () => {
    fake.reset();
    const { files, builtins } = await loaded(['assume', ROLE], homeEnv());
    assert.equal(fake.requests.length, 1);
    assert.ok(!files.some((f) => isVendor('proxy', f)), files.join(', '));
    for (const name of ['node:http2', 'node:assert']) assert.ok(!builtins.has(name), `a request loaded ${name}`);
  });

  test('sso login and sso logout load the SSO clients of their own bundle, never the aws bundle', async () => {
    const sso = await startFakeSso({ interval: 0 });
    try {
      const env = homeEnv({
        AWS_CONFIG_FILE: join(scratch.dir, 'sso-config'),
        AWS_ENDPOINT_URL_SSO_OIDC: sso.url,
        AWS_ENDPOINT_URL_SSO: sso.url,
      });
      writeFileSync(
        env.AWS_CONFIG_FILE!,
        '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
      );
      const login = await loadedFiles(['sso', 'login', '--use-device-code', '--sso-session', 'corp'], env);
      assert.equal(sso.requestsFor('CreateToken').length, 2, 'signed in');
      assert.ok(
        login.some((f) => isVendor('sso', f)),
        login.join(', '),
      );
      assert.ok(
        login.some((f) => isFeature('sso', f)),
        `sso login's own code is in features/sso.cjs: ${login.join(', ')}`,
      );
      assert.ok(!login.some((f) => isVendor('aws', f) || isVendor('yargs', f)), `sso login loaded ${login.join(', ')}`);
      assert.ok(!login.some((f) => isVendor('browser', f)), 'no browser to open: the opener is not loaded');
      const logout = await loadedFiles(['sso', 'logout', '--sso-session', 'corp'], env);
      assert.equal(sso.requestsFor('Logout').length, 1, 'signed out at the portal');
      assert.ok(
        !logout.some((f) => isVendor('aws', f) || isVendor('yargs', f)),
        `sso logout loaded ${logout.join(', ')}`,
      );
      const nothing = await loadedFiles(['sso', 'logout', '--sso-session', 'corp'], env);
      assert.ok(
        !nothing.some((f) => isVendor('sso', f) || isVendor('aws', f)),
        `sso logout with no token loaded ${nothing.join(', ')}`,
      );
    } finally {
      await sso.close();
    }
  });

  test("the aws bundle holds no SSO OIDC client of its own (only the SDK's nested one its token refresh uses); the SSO bundle no credential chain", () => {
    const aws = readFileSync(join(DIST, 'vendor', 'aws.cjs'), 'utf8');
    assert.ok(
      !aws.includes('RegisterClient') && !aws.includes('StartDeviceAuthorization'),
      'the device flow is in vendor/sso.cjs only',
    );
    const sso = readFileSync(join(DIST, 'vendor', 'sso.cjs'), 'utf8');
    assert.ok(sso.includes('StartDeviceAuthorization'));
    assert.ok(
      !sso.includes('credential_process') && !sso.includes('sso_session'),
      'the SSO clients are unsigned: no credential chain in their bundle',
    );
  });

  test('only assume with neither a role nor --profile, on a terminal, loads the profile picker (vendor/picker.cjs)', async (t) => {
    const env = homeEnv({ AWS_CONFIG_FILE: join(scratch.dir, 'picker-config') });
    writeFileSync(env.AWS_CONFIG_FILE!, `[profile deploy]\nrole_arn = ${ROLE}\ncredential_source = Environment\n`);
    const paths: Array<{ args: string[]; code?: number }> = [
      { args: ['assume', ROLE] },
      { args: ['assume', '--profile', 'deploy'] },
      // No terminal: the usage error of before.
      { args: ['assume'], code: 2 },
      { args: ['assume', '--no-prompt'], code: 2 },
      { args: ['unset'] },
      { args: ['init', 'bash'] },
      { args: ['exec', ROLE, '--', process.execPath, '-e', ''] },
    ];
    for (const { args, code } of paths) {
      const files = await loadedFiles(args, env, code);
      assert.ok(!files.some((f) => isVendor('picker', f)), `stsenv ${args.join(' ')} loaded ${files.join(', ')}`);
    }
    // And the picker's own path does load it (so the checks above can fail): on a pseudo-terminal, cancelled.
    const script = scriptExecutable();
    if (!script) return t.skip('script (util-linux) is not installed');
    const out = join(scratch.dir, `loaded-${++runs}.txt`);
    writeFileSync(out, '');
    const command = [process.execPath, '--require', recorder, BIN, 'assume'].map(shQuote).join(' ');
    const session = startPty(script, `${command} > /dev/null 2>&1`, { ...env, STSENV_TEST_LOADED: out });
    await session.waitFor(/Role profile to assume[\s\S]*Enter/);
    session.press(KEYS.escape).catch(() => {});
    assert.equal(await session.exit, 130);
    const files = readFileSync(out, 'utf8').split('\n');
    assert.ok(
      files.some((f) => f.startsWith(DIST) && isVendor('picker', relative(DIST, f))),
      files.join(', '),
    );
  });

  test('a usage error is told without yargs or the AWS SDK (the nearest name is vendor/nearest.cjs): a mistyped command or option, a missing positional', async () => {
    for (const args of [
      ['assume', ROLE, '--bogus'],
      ['asume', ROLE],
      ['--region', 'eu-west-1', 'asume', ROLE],
      ['init'],
      ['cache', 'nope'],
    ]) {
      const files = await loadedFiles(args, homeEnv(), 2);
      assert.deepEqual(
        files.filter((f) => isVendor('', f) && !isVendor('nearest', f)),
        [],
        `stsenv ${args.join(' ')} loaded ${files.join(', ')}`,
      );
    }
  });

  test('help, help COMMAND and stsenv alone load only the entry', async () => {
    for (const [args, code] of [
      [['help'], 0],
      [['help', 'assume'], 0],
      [[], 2],
    ] as const) {
      assert.deepEqual(
        await loadedFiles([...args], homeEnv(), code),
        [relative(DIST, BIN)],
        `stsenv ${args.join(' ')}`,
      );
    }
  });

  test('the completion callback (every Tab) loads its own bundle and the entry only: no main.cjs, no yargs, no AWS SDK, nor node:http or node:crypto', async () => {
    const env = homeEnv();
    mkdirSync(join(env.HOME!, '.aws'));
    writeFileSync(env.AWS_CONFIG_FILE!, '[profile dev]\nregion = eu-west-1\n');
    for (const words of [
      ['as'],
      ['assume', '--'],
      ['assume', '--shell', ''],
      ['assume', '--profile', ''],
      ['sso', 'login', '--sso-session', ''],
    ]) {
      const { files, builtins } = await loaded(['__complete', ...words], env);
      assert.deepEqual(
        files.filter((f) => !f.endsWith('.cache')).sort(),
        ['complete.cjs', relative(DIST, BIN)],
        `__complete ${words.join(' ')} loaded ${files.join(', ')}`,
      );
      for (const name of ['node:http', 'node:crypto'])
        assert.ok(!builtins.has(name), `__complete ${words.join(' ')} loaded ${name}`);
    }
  });
});

describe('what exec --server and console load', () => {
  /** An environment whose cache already holds the role: the paths below then make no STS request. */
  async function cachedRole(): Promise<NodeJS.ProcessEnv> {
    const env = homeEnv({ STSENV_NO_CACHE: undefined });
    assert.equal((await loadedFiles(['assume', ROLE], env)).length > 0, true);
    return env;
  }

  test('exec from the cache loads neither node:http nor node:crypto (no endpoint)', async () => {
    const env = await cachedRole();
    fake.reset();
    const { files, builtins } = await loaded(['exec', ROLE, '--', process.execPath, '-e', ''], env);
    assert.equal(fake.requests.length, 0);
    assert.ok(!files.some((f) => isVendor('aws', f)), files.join(', '));
    for (const name of ['node:http', 'node:crypto']) assert.ok(!builtins.has(name), `exec loaded ${name}`);
  });

  test('exec --server from the cache serves with node:http and node:crypto, without the AWS SDK', async () => {
    const env = await cachedRole();
    fake.reset();
    const { files, builtins } = await loaded(['exec', '--server', ROLE, '--', process.execPath, '-e', ''], env);
    assert.equal(fake.requests.length, 0);
    assert.ok(!files.some((f) => isVendor('aws', f) || isVendor('browser', f)), files.join(', '));
    for (const name of ['node:http', 'node:crypto'])
      assert.ok(builtins.has(name), `exec --server did not load ${name}`);
  });

  test('console with session credentials loads neither the AWS SDK nor, without a display, the browser opener', async () => {
    const assumed = await runCli(['assume', ROLE, '--shell', 'json'], { env: homeEnv() });
    assert.equal(assumed.code, 0, assumed.stderr);
    const keys = JSON.parse(assumed.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const env = homeEnv({
      AWS_ACCESS_KEY_ID: keys.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey,
      AWS_SESSION_TOKEN: keys.SessionToken,
      DISPLAY: undefined,
    });
    for (const args of [['--url'], []]) {
      const { files } = await loaded(['console', ...args, '--signin-url', signin.url], env);
      assert.deepEqual(
        files.filter((f) => isVendor('', f)),
        [],
        `console ${args.join(' ')}: ${files.join(', ')}`,
      );
    }
  });

  test('paths without a request load neither node:http nor node:crypto', async () => {
    for (const args of [['unset'], ['init', 'bash'], ['--version'], ['console', '--help'], ['exec', '--help']]) {
      const { builtins } = await loaded(args, homeEnv());
      for (const name of ['node:http', 'node:crypto'])
        assert.ok(!builtins.has(name), `stsenv ${args.join(' ')} loaded ${name}`);
    }
  });
});

describe('garbage collection', () => {
  /** The collections V8 reports for one run (--trace-gc: one line each, on stdout), from the second run on (the first makes the code caches a run with options uses). */
  async function collections(args: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
    let lines: string[] = [];
    for (let run = 0; run < 2; run++) {
      const child = spawn(process.execPath, ['--trace-gc', BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const [code] = (await once(child, 'close')) as [number | null];
      assert.equal(code, 0, `stsenv ${args.join(' ')}`);
      lines = stdout.split('\n').filter((line) => /\b(Scavenge|Mark-Compact|Minor Mark-Sweep)\b/.test(line));
    }
    return lines;
  }

  // A scavenge costs one to four milliseconds, more than all of stsenv's own work on these paths:
  // what they allocate must stay within V8's first young generation (build/bundles.mjs, src/code-cache.ts).
  test('unset, init and a cache hit set off no garbage collection', async () => {
    const env = homeEnv({ STSENV_NO_CACHE: undefined });
    assert.equal((await loadedFiles(['assume', ROLE], env)).length > 0, true);
    for (const args of [['unset'], ['init', 'bash'], ['assume', ROLE]])
      assert.deepEqual(await collections(args, env), [], `stsenv ${args.join(' ')}`);
  });
});

describe('the entry', () => {
  test('the package bin is the CommonJS entry and requires nothing but Node built-ins', () => {
    const source = readFileSync(BIN, 'utf8');
    assert.match(BIN, /\.cjs$/);
    const required = [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
    assert.deepEqual(
      required.filter((id) => !id.startsWith('node:')),
      [],
      `the entry requires ${required.join(', ')}`,
    );
    assert.doesNotMatch(source, /@aws-sdk|@smithy|yargs-parser|supports-color/);
  });

  test('dist/help/WIDTH.json holds the help yargs renders now, for every command at every prerendered width', async () => {
    const { prerenderHelp } = await import('../../src/cli/yargs-parser.js');
    const fresh = await prerenderHelp();
    assert.deepEqual(
      readdirSync(join(DIST, 'help')).sort(),
      Object.keys(fresh)
        .map((width) => `${width}.json`)
        .sort(),
      'rebuild: the widths changed',
    );
    for (const [width, texts] of Object.entries(fresh)) {
      const built = JSON.parse(readFileSync(join(DIST, 'help', `${width}.json`), 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(built).sort(), Object.keys(texts).sort(), 'rebuild: the commands changed');
      for (const topic of Object.keys(texts))
        assert.equal(built[topic], texts[topic], `help ${width}:${topic} is stale or depends on the environment`);
    }
  });
});

describe('the command registry', () => {
  test('each entry name is the first word of the command it loads', async () => {
    for (const entry of COMMANDS) {
      const spec = await entry.load();
      assert.equal(spec.name, entry.name);
    }
    assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length, 'names are unique');
  });
});

describe('warning colour without chalk', () => {
  test('warningPrefix colours exactly as stderrChalk().yellow does', () => {
    const envs: NodeJS.ProcessEnv[] = [
      {},
      { NO_COLOR: '1' },
      { FORCE_COLOR: '1' },
      { FORCE_COLOR: '0' },
      { NO_COLOR: '1', FORCE_COLOR: '1' },
    ];
    for (const env of envs) {
      for (const isTTY of [true, false]) {
        const stderr = { isTTY, write: () => true };
        assert.equal(
          warningPrefix(stderr, env),
          stderrChalk(stderr, env).yellow('stsenv: warning:'),
          JSON.stringify({ env, isTTY }),
        );
      }
    }
  });
});
