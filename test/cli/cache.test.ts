/**
 * The credential cache end to end. Hits make no request and
 * load no SDK; everything that changes STS's answer changes the key; files
 * are 0600 in a 0700 directory, written atomically, never through a planted
 * link; 20 processes at once leave one valid entry; SIGKILL mid-write leaves
 * the old entry.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, isolatedEnv, runCli, type CliResult } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/cached';

const sts = useStsFixture({ eachTest: true });

/** The cache on (the shared test env turns it off). */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv(sts.home.dir, { AWS_ENDPOINT_URL_STS: sts.fake.url, STSENV_NO_CACHE: undefined, ...extra });
}

function cacheDir(): string {
  return join(sts.home.dir, '.cache', 'stsenv');
}

function entries(): string[] {
  return existsSync(cacheDir()) ? readdirSync(cacheDir()).filter((n) => n.endsWith('.json')) : [];
}

function exported(stdout: string, name: string): string | undefined {
  return new RegExp(`^export ${name}='([^']*)';$`, 'm').exec(stdout)?.[1];
}

async function ok(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const run = await runCli(args, { env: env(extra) });
  assert.equal(run.code, 0, run.stderr);
  return run;
}

describe('cache hits', () => {
  test('the same request twice: one STS call, the same credentials, and the hit loads no AWS SDK', async () => {
    const first = await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 1);
    const second = await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 1, 'the second run made no request');
    assert.equal(second.stdout, first.stdout);
    assert.equal(exported(first.stdout, 'AWS_SECRET_ACCESS_KEY'), sts.fake.issued[0]!.secretAccessKey);

    // Every module the process loads, CommonJS or ES, logged by a preloaded hook.
    const log = join(sts.home.dir, 'modules.log');
    const hook = join(sts.home.dir, 'hook.cjs');
    writeFileSync(
      join(sts.home.dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.STSENV_TEST_MODULE_LOG, result.url + '\\n');
  return result;
}
`,
    );
    writeFileSync(
      hook,
      `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  let name = request;
  try { name = Module._resolveFilename(request, parent, isMain); } catch {}
  appendFileSync(process.env.STSENV_TEST_MODULE_LOG, name + '\\n');
  return load.apply(this, arguments);
};
Module.register(pathToFileURL(${JSON.stringify(join(sts.home.dir, 'hooks.mjs'))}));
// stsenv's bundles are compiled at their known path (src/code-cache.ts), past Module._load, but join the module cache.
process.on('exit', () => appendFileSync(process.env.STSENV_TEST_MODULE_LOG, Object.keys(Module._cache).join('\\n') + '\\n'));
`,
    );
    const SDK = /@aws-sdk|client-sts|vendor[\\/]aws|[\\/]sts-[A-Z0-9]+\.m?js/;
    const traced = async (args: string[]) => {
      writeFileSync(log, '');
      // The region comes from the config file, as for most users: reading it must not load the SDK either.
      const config = join(sts.home.dir, 'region-config');
      writeFileSync(config, '[default]\nregion = eu-west-1\n');
      const run = await runCli(args, {
        env: env({
          NODE_OPTIONS: `--require ${hook}`,
          STSENV_TEST_MODULE_LOG: log,
          AWS_REGION: undefined,
          AWS_DEFAULT_REGION: undefined,
          AWS_CONFIG_FILE: config,
        }),
      });
      assert.match(run.stdout, /^export AWS_REGION='eu-west-1';$/m);
      assert.equal(run.code, 0, run.stderr);
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    };
    const missModules = await traced(['assume', ROLE, '--session-name', 'traced']);
    assert.ok(
      missModules.some((m) => SDK.test(m)),
      'a miss loads the SDK: the hook sees it',
    );
    const hitModules = await traced(['assume', ROLE, '--session-name', 'traced']);
    assert.ok(hitModules.length > 0, 'the hook ran');
    assert.deepEqual(
      hitModules.filter((m) => SDK.test(m)),
      [],
      'a hit loads no AWS SDK module',
    );
  });

  test('a role profile chain hits on its last hop without reading any credentials', async () => {
    mkdirSync(join(sts.home.dir, '.aws'));
    writeFileSync(
      join(sts.home.dir, '.aws', 'config'),
      '[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\ncredential_source = Environment\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = a\n',
    );
    await ok(['assume', '--profile', 'b']);
    assert.equal(sts.fake.requests.length, 2);
    await ok(['assume', '--profile', 'b']);
    assert.equal(sts.fake.requests.length, 2);
    // The first hop is cached too: a new role on top of profile a costs one call.
    await ok(['assume', ROLE, '--profile', 'a']);
    assert.deepEqual(
      sts.fake.requests.map((r) => r.params.RoleArn),
      ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::222222222222:role/b', ROLE],
    );
    assert.equal(sts.fake.requests[2]!.accessKeyId, sts.fake.issued[0]!.accessKeyId);
  });

  test("stsenv's own clock-based session name does not defeat the cache; everything that changes the answer does", async () => {
    await ok(['assume', ROLE]);
    await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 1);
    const variants: string[][] = [
      ['--session-name', 'named'],
      ['--duration', '2h'],
      ['--external-id', 'ext-1'],
      ['--tag', 'team=ops'],
      ['--transitive-tag', 'team', '--tag', 'team=ops'],
      ['--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      ['--policy', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'],
      ['--source-identity', 'someone'],
      ['--region', 'eu-west-1', '--endpoint-url', sts.fake.url],
      ['--mfa-serial', 'arn:aws:iam::123456789012:mfa/me', '--token-code', '123456'],
    ];
    for (const extra of variants) {
      const count: number = sts.fake.requests.length;
      await ok(['assume', ROLE, ...extra]);
      assert.equal(sts.fake.requests.length, count + 1, `a new request for ${extra.join(' ')}`);
      await ok([
        'assume',
        ROLE,
        ...extra.filter((a) => a !== '123456' && a !== '--token-code'),
        ...(extra.includes('--token-code') ? ['--no-prompt'] : []),
      ]);
      assert.equal(sts.fake.requests.length, count + 1, `then a hit for ${extra.join(' ')}`);
    }
    // Another base identity: other keys in the environment.
    await ok(['assume', ROLE], { AWS_ACCESS_KEY_ID: 'AKIDOTHERBASE0000001' });
    assert.equal(sts.fake.requests.at(-1)!.accessKeyId, 'AKIDOTHERBASE0000001');
  });

  test('session and web-identity are cached too; another web identity token is another entry', async () => {
    await ok(['session']);
    await ok(['session']);
    assert.equal(sts.fake.requestsFor('GetSessionToken').length, 1);
    const token = join(sts.home.dir, 'token');
    writeFileSync(token, 'token-one');
    await ok(['web-identity', ROLE, '--token-file', token]);
    await ok(['web-identity', ROLE, '--token-file', token]);
    assert.equal(sts.fake.requestsFor('AssumeRoleWithWebIdentity').length, 1);
    writeFileSync(token, 'token-two');
    await ok(['web-identity', ROLE, '--token-file', token]);
    assert.equal(sts.fake.requestsFor('AssumeRoleWithWebIdentity').length, 2);
  });
});

describe('what makes stsenv ask again', () => {
  test('--refresh asks and replaces the entry; --no-cache and STSENV_NO_CACHE neither read nor write', async () => {
    const first = await ok(['assume', ROLE]);
    const refreshed = await ok(['assume', ROLE, '--refresh']);
    assert.equal(sts.fake.requests.length, 2);
    assert.notEqual(refreshed.stdout, first.stdout);
    const hit = await ok(['assume', ROLE]);
    assert.equal(hit.stdout, refreshed.stdout, 'the refreshed answer was cached');
    await ok(['assume', ROLE, '--no-cache']);
    assert.equal(sts.fake.requests.length, 3);
    rmSync(cacheDir(), { recursive: true });
    await ok(['assume', ROLE, '--no-cache']);
    await ok(['assume', ROLE], { STSENV_NO_CACHE: '1' });
    assert.equal(sts.fake.requests.length, 5);
    assert.equal(existsSync(cacheDir()), false, 'nothing written');
  });

  test('--min-remaining: reuse only with more than that left (default 5m)', async () => {
    sts.fake.failNext({ expiration: new Date(Date.now() + 10 * 60_000) });
    await ok(['assume', ROLE]);
    await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 1, '10 minutes left > 5m: a hit');
    await ok(['assume', ROLE, '--min-remaining', '15m']);
    assert.equal(sts.fake.requests.length, 2, '10 minutes left < 15m: asked again');
    const bad = await runCli(['assume', ROLE, '--min-remaining', 'soon'], { env: env() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--min-remaining/);
  });

  test('a corrupt entry is a miss and is replaced; an expired one is removed', async () => {
    await ok(['assume', ROLE]);
    const [name] = entries();
    const path = join(cacheDir(), name!);
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, '{"version":1,"label":', { mode: 0o600 });
    await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 2);
    assert.doesNotThrow(() => JSON.parse(readFileSync(path, 'utf8')), 'rewritten whole');

    // An expired entry under another name goes when the cache is next written.
    const expired = JSON.parse(good);
    expired.credentials.expiration = new Date(Date.now() - 60_000).toISOString();
    const stale = join(cacheDir(), `${'e'.repeat(64)}.json`);
    writeFileSync(stale, JSON.stringify(expired), { mode: 0o600 });
    // And the entry itself expired: a miss, removed, replaced.
    writeFileSync(path, JSON.stringify(expired), { mode: 0o600 });
    await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 3);
    assert.equal(existsSync(stale), false, 'the expired entry was removed');
    assert.deepEqual(entries(), [name]);
  });

  test('an entry carries its expiry as its modification time: writing the cache reads no entry whose time has not come, cache list reads them all', async () => {
    await ok(['assume', ROLE]);
    const [name] = entries();
    const path = join(cacheDir(), name!);
    const document = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(statSync(path).mtimeMs, Date.parse(document.credentials.expiration));
    // Expired inside, yet dated in the future: only a read tells.
    document.credentials.expiration = new Date(Date.now() - 60_000).toISOString();
    const hidden = join(cacheDir(), `${'f'.repeat(64)}.json`);
    writeFileSync(hidden, JSON.stringify(document), { mode: 0o600 });
    utimesSync(hidden, new Date(Date.now() + 3_600_000), new Date(Date.now() + 3_600_000));
    await ok(['assume', ROLE, '--session-name', 'another']);
    assert.equal(existsSync(hidden), true, 'a write read no entry whose time has not come');
    const list = await ok(['cache', 'list', '--json']);
    assert.equal(JSON.parse(list.stdout).length, 2);
    assert.equal(existsSync(hidden), false, 'cache list read it, and removed it as expired');
  });
});

describe('files', () => {
  test('directory 0700, entries 0600; cache list shows roles and expiry, never a secret; cache clear empties', async () => {
    const run = await ok(['assume', ROLE, '--session-name', 'listed']);
    assert.equal(statSync(cacheDir()).mode & 0o777, 0o700);
    const [name] = entries();
    assert.equal(statSync(join(cacheDir(), name!)).mode & 0o777, 0o600);
    const list = await ok(['cache', 'list']);
    assert.match(list.stdout, new RegExp(`AssumeRole\\t${ROLE} as listed\\t`));
    assert.match(list.stdout, /expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    const json = await ok(['cache', 'list', '--json']);
    assert.equal(JSON.parse(json.stdout)[0].role, ROLE);
    const issued = sts.fake.issued[0]!;
    for (const output of [list.stdout, list.stderr, json.stdout]) {
      for (const secret of [issued.secretAccessKey, issued.sessionToken]) assert.equal(output.includes(secret), false);
    }
    assert.ok(run.stdout.includes(issued.sessionToken));
    const clear = await ok(['cache', 'clear']);
    assert.match(clear.stderr, /removed 1 cached entry/);
    assert.deepEqual(entries(), []);
  });

  test('a symbolic link planted in the cache directory is never followed, for reading or writing', async () => {
    await ok(['assume', ROLE]);
    const [name] = entries();
    const path = join(cacheDir(), name!);
    // Reading: a link to a valid entry elsewhere is not used.
    const elsewhere = join(sts.home.dir, 'elsewhere.json');
    cpSync(path, elsewhere);
    rmSync(path);
    symlinkSync(elsewhere, path);
    const viaLink = await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, 2, 'the link was not read');
    assert.match(viaLink.stderr, /symbolic link|not a regular/);
    assert.equal(lstatSync(path).isSymbolicLink(), false, 'replaced by a real file');
    // Writing: a link to a victim file is replaced, the victim untouched.
    const victim = join(sts.home.dir, 'victim');
    writeFileSync(victim, 'precious\n');
    rmSync(path);
    symlinkSync(victim, path);
    await ok(['assume', ROLE, '--refresh']);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(lstatSync(path).isSymbolicLink(), false);
  });

  test('a cache directory writable by others is refused; one readable by others is tightened', async () => {
    mkdirSync(cacheDir(), { recursive: true });
    chmodSync(cacheDir(), 0o777);
    const refused = await ok(['assume', ROLE]);
    assert.match(refused.stderr, /not using the cache: .*writable by group or others/);
    assert.deepEqual(entries(), [], 'nothing written there');
    chmodSync(cacheDir(), 0o755);
    const tightened = await ok(['assume', ROLE]);
    assert.match(tightened.stderr, /readable by group or others \(mode 755\); setting it to 700/);
    assert.equal(statSync(cacheDir()).mode & 0o777, 0o700);
    assert.equal(entries().length, 1);
  });

  test('a cache directory that is a symbolic link is not used', async () => {
    mkdirSync(join(sts.home.dir, '.cache'), { recursive: true });
    mkdirSync(join(sts.home.dir, 'real'), { mode: 0o700 });
    symlinkSync(join(sts.home.dir, 'real'), cacheDir());
    const run = await ok(['assume', ROLE]);
    assert.match(run.stderr, /not a plain directory/);
    assert.deepEqual(readdirSync(join(sts.home.dir, 'real')), []);
  });

  test('20 processes at once: every one prints valid credentials, one 0600 entry is left, no temp files', async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, () => runCli(['assume', ROLE], { env: env() })));
    const issued = new Map(sts.fake.issued.map((c) => [c.accessKeyId, c]));
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const key = exported(run.stdout, 'AWS_ACCESS_KEY_ID')!;
      assert.ok(issued.has(key), 'credentials the endpoint issued');
      assert.equal(exported(run.stdout, 'AWS_SECRET_ACCESS_KEY'), issued.get(key)!.secretAccessKey);
      assert.equal(exported(run.stdout, 'AWS_SESSION_TOKEN'), issued.get(key)!.sessionToken);
    }
    assert.deepEqual(
      readdirSync(cacheDir()).filter((n) => !n.endsWith('.json')),
      [],
      'no temp files',
    );
    assert.equal(entries().length, 1);
    assert.equal(statSync(join(cacheDir(), entries()[0]!)).mode & 0o777, 0o600);
    const requestsSoFar = sts.fake.requests.length;
    const again = await ok(['assume', ROLE]);
    assert.equal(sts.fake.requests.length, requestsSoFar, 'the entry left is valid: a hit');
    assert.ok(issued.has(exported(again.stdout, 'AWS_ACCESS_KEY_ID')!));
  });

  test('SIGKILL between writing and renaming leaves the old entry intact; the next write removes the orphan', async () => {
    const first = await ok(['assume', ROLE]);
    const [name] = entries();
    const path = join(cacheDir(), name!);
    const old = readFileSync(path, 'utf8');
    const fifo = join(sts.home.dir, 'pause.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, 'assume', ROLE, '--refresh'], {
      env: env({ STSENV_TEST_PAUSE_BEFORE_RENAME: fifo }),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const pid = Number((await readFile(fifo, 'utf8')).trim());
    assert.equal(pid, child.pid, 'paused with the new entry written, not renamed');
    const orphans = readdirSync(cacheDir()).filter((n) => n.includes('.tmp-'));
    assert.equal(orphans.length, 1, 'the new entry is in its temp file');
    assert.equal(statSync(join(cacheDir(), orphans[0]!)).mode & 0o777, 0o600);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.equal(readFileSync(path, 'utf8'), old, 'the old entry is intact');
    const hit = await ok(['assume', ROLE]);
    assert.equal(hit.stdout, first.stdout, 'and still used');
    await ok(['assume', ROLE, '--session-name', 'another']);
    assert.deepEqual(
      readdirSync(cacheDir()).filter((n) => n.includes('.tmp-')),
      [],
      "a dead writer's temp file is removed",
    );
  });
});
