// V8's code cache for each bundle of a built dist/ (NAME.cjs.cache, read by src/code-cache.ts),
// taken after training runs of the commands people run most (build/train-code-cache.ts), one
// process per phase, against the test suite's fake STS on a loopback port, in a HOME of their
// own. Only as good as the Node that trains: V8 checks a cache against its version and flags
// (and the source), and compiles as usual when they differ.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The trainer's phases, in order: the later ones are answered from the credential cache the first filled. */
const PHASES = ['request', 'light', 'entry'];
const ROLE = 'arn:aws:iam::123456789012:role/build';

/** Trains the code caches of the bundles in `dir` with `node` (a Node binary: the one the caches are for). */
export async function trainCodeCaches(dir, node = process.execPath) {
  const work = mkdtempSync(join(tmpdir(), 'stsenv-code-cache-'));
  let fake;
  try {
    // The trainer with stsenv's own loader, and the test suite's fake STS, built for this run.
    const common = { absWorkingDir: ROOT, bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
    await build({
      ...common,
      format: 'cjs',
      entryPoints: { 'train-code-cache': 'build/train-code-cache.ts' },
      outdir: work,
      outExtension: { '.js': '.cjs' },
      define: { 'import.meta.url': '__stsenvFile.url' },
      banner: {
        js: 'var __stsenvFile = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
      },
    });
    await build({
      ...common,
      format: 'esm',
      entryPoints: { 'fake-sts': 'test/support/fake-sts.ts' },
      outdir: work,
      outExtension: { '.js': '.mjs' },
    });
    const { startFakeSts } = await import(pathToFileURL(join(work, 'fake-sts.mjs')).href);
    fake = await startFakeSts();

    const home = join(work, 'home');
    mkdirSync(home);
    // A user's environment of its own: nothing of this machine's AWS set-up is read, and no
    // NODE_OPTIONS (V8 rejects a cache taken under other flags than a plain start's).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(AWS_|STSENV_|NODE_OPTIONS$)/.test(name)),
    );
    Object.assign(env, {
      HOME: home,
      USERPROFILE: home,
      XDG_CACHE_HOME: join(home, '.cache'),
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_ACCESS_KEY_ID: 'AKIABUILDTRAINING000',
      AWS_SECRET_ACCESS_KEY: 'build/training/base/secret/0000000000000',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: fake.url,
      STSENV_SHELL: 'bash',
    });
    // A role profile whose keys come from the credentials file, as most users' are, in a config of
    // an organisation's size: larger than a check is worth repeating (src/config/checked-files.ts),
    // so that a run that finds it remembered, as every hit on such a config does, is trained too.
    const others = Array.from(
      { length: 1000 },
      (_, n) => `[profile other${n}]\nrole_arn = ${ROLE}${n}\nsource_profile = base\n`,
    );
    writeFileSync(
      join(home, 'config'),
      `[profile base]\nregion = us-east-1\n\n[profile chained]\nrole_arn = ${ROLE}\nsource_profile = base\nregion = us-east-1\n${others.join('')}`,
    );
    writeFileSync(
      join(home, 'credentials'),
      '[base]\naws_access_key_id = AKIABUILDTRAININGBASE\naws_secret_access_key = build/training/profile/secret/000000000\n',
    );
    const profiles = Array.from(
      { length: 50 },
      (_, n) => `[profile p${n}]\nrole_arn = ${ROLE}\nsource_profile = base\n`,
    );
    writeFileSync(join(home, 'completion-config'), `[profile base]\nregion = us-east-1\n${profiles.join('')}`);

    for (const phase of PHASES) {
      fake.reset();
      const child = spawn(node, [join(work, 'train-code-cache.cjs'), resolve(dir), phase], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      const [code] = await once(child, 'close');
      if (code !== 0) throw new Error(`code cache training (${phase}) failed:\n${stderr}`);
      // What the quick paths compile is what main.cjs's cache is for: a request there would put the rest in it.
      if (phase !== 'request' && fake.requests.length > 0)
        throw new Error(
          `code cache training (${phase}) asked STS ${fake.requests.length} times: the credential cache missed`,
        );
    }
  } finally {
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
