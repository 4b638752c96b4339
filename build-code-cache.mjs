// The V8 code cache beside each bundle (NAME.cjs.cache, read by src/code-cache.ts), taken
// after training runs of the commands people run most: `node build-code-cache.mjs DIR`
// (build.mjs runs it on its staging directory).
//
// V8 compiles a function only when it first runs, and a cache taken then holds every
// function compiled so far: a path whose functions are in the cache skips compiling them
// at every start. But V8 reads the whole cache at every start too, so each bundle's cache
// is taken after the paths that should pay for it (PHASES below). Requests go to a
// loopback endpoint this script serves.
//
// Only as good as this Node: V8 checks the cache against its version and flags (and
// the source), and compiles as usual when they differ.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dir = resolve(process.argv[2] ?? 'dist');
const ROLE = 'arn:aws:iam::123456789012:role/build';

// Every bundle stsenv compiles (src/code-cache.ts goes through vm.Script), kept for its cache.
const scripts = new Map();
const { Script } = vm;
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    if (options?.filename?.startsWith(dir)) scripts.set(options.filename, this);
  }
};

/** Loads a bundle as src/code-cache.ts does, without a cache. */
function loadBundle(filename) {
  const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), { filename });
  const module = new Module(filename);
  module.filename = filename;
  module.paths = Module._nodeModulePaths(dirname(filename));
  Module._cache[filename] = module;
  script
    .runInThisContext()
    .call(module.exports, module.exports, Module.createRequire(filename), module, filename, dirname(filename));
  module.loaded = true;
  return module.exports;
}

/** What STS answers, just enough of it: credentials that expire in an hour, or an identity. */
function stsAnswer(body) {
  const action = new URLSearchParams(body).get('Action');
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  const credentials = `<Credentials><AccessKeyId>ASIABUILDTRAINING000</AccessKeyId><SecretAccessKey>build/training/secret/key/00000000000000</SecretAccessKey><SessionToken>build-training-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>`;
  const result =
    action === 'GetCallerIdentity'
      ? '<Arn>arn:aws:iam::123456789012:user/build</Arn><UserId>AIDABUILD</UserId><Account>123456789012</Account>'
      : `${credentials}<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/build/build</Arn><AssumedRoleId>AROABUILD:build</AssumedRoleId></AssumedRoleUser>`;
  return `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>build</RequestId></ResponseMetadata></${action}Response>`;
}

/** One training process: stsenv's runs for one phase, then the caches that phase keeps. */
async function trainPhase(phase) {
  const { main } = loadBundle(join(dir, 'main.cjs'));
  const width = () => 80;
  for (const [args, expected] of PHASES[phase].runs) {
    const code = await main(args, width);
    if (code !== expected) throw new Error(`training run \`stsenv ${args.join(' ')}\` exited ${code}, not ${expected}`);
  }
  // The completion callback, a bundle of its own (dist/complete.cjs), as the entry runs it at each Tab.
  if (PHASES[phase].completions) {
    const { completeInstantly } = loadBundle(join(dir, 'complete.cjs'));
    const env = { ...process.env, AWS_CONFIG_FILE: join(process.env.HOME, 'completion-config') };
    for (const words of PHASES[phase].completions) {
      const code = await completeInstantly(words, env, () => {});
      if (code !== 0) throw new Error(`training run \`stsenv __complete ${words.join(' ')}\` exited ${code}`);
    }
  }
  if (phase === 'light') {
    // Bundles no training run loaded: their cache holds what their top level compiles. Not those
    // of `sso login` (which waits for a person anyway), `sso logout` and the profile picker (a person again):
    // their cache would only add to the package. Nor the keystore's binding, whose top level loads its
    // native part: a build on a machine without this platform's package (npm ci --omit=optional) must work.
    for (const name of readdirSync(join(dir, 'vendor')).filter(
      (file) => file.endsWith('.cjs') && !INTERACTIVE_ONLY.has(file) && file !== 'keyring.cjs',
    )) {
      const filename = join(dir, 'vendor', name);
      if (!existsSync(`${filename}.cache`)) loadBundle(filename);
    }
  }
  for (const [filename, script] of scripts) {
    if (PHASES[phase].keeps(relative(dir, filename))) writeFileSync(`${filename}.cache`, script.createCachedData());
  }
}

const INTERACTIVE_ONLY = new Set(['sso.cjs', 'browser.cjs', 'picker.cjs']);

// Two phases, each in a process of its own, in one HOME. The first makes a request (and a
// line only yargs reads: an option given twice) and keeps the caches of the SDK and yargs; the second, answered from the
// credential cache the first filled, keeps main.cjs's: what every start reads holds only
// what the quick paths compile. A request compiles the rest of main.cjs, a few functions.
const PHASES = {
  request: {
    runs: [
      [['assume', ROLE], 0],
      [['whoami'], 0],
      [['assume', ROLE, '--region', 'us-east-1', '--region', 'eu-west-1'], 2],
    ],
    keeps: (file) => file !== 'main.cjs',
  },
  light: {
    runs: [
      [['assume', ROLE], 0],
      [['init', 'bash'], 0],
      [['unset'], 0],
    ],
    // A Tab after --profile, after a command, after an option; a profile name is what people complete most.
    completions: [['assume', '--profile', 'p'], ['as'], ['assume', '--'], ['assume', '--shell', '']],
    keeps: () => true,
  },
};

const phase = process.argv[3];
if (phase) {
  await trainPhase(phase);
} else {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    request.on('end', () => response.writeHead(200, { 'content-type': 'text/xml' }).end(stsAnswer(body)));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const home = mkdtempSync(join(tmpdir(), 'stsenv-code-cache-'));
  try {
    // A user's environment of its own: nothing of this machine's AWS set-up is read, and no
    // NODE_OPTIONS (V8 rejects a cache taken under other flags than a plain start's).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(AWS_|STSENV_|NODE_OPTIONS$)/.test(name)),
    );
    Object.assign(env, {
      HOME: home,
      USERPROFILE: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_ACCESS_KEY_ID: 'AKIABUILDTRAINING000',
      AWS_SECRET_ACCESS_KEY: 'build/training/base/secret/0000000000000',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${server.address().port}`,
      STSENV_SHELL: 'bash',
    });
    const profiles = Array.from(
      { length: 50 },
      (_, n) => `[profile p${n}]\nrole_arn = ${ROLE}\nsource_profile = base\n`,
    );
    writeFileSync(join(home, 'completion-config'), `[profile base]\nregion = us-east-1\n${profiles.join('')}`);
    for (const name of Object.keys(PHASES)) {
      // Asynchronous: this process answers the requests.
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), dir, name], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      const [code] = await once(child, 'close');
      if (code !== 0) throw new Error(`code cache training (${name}) failed:\n${stderr}`);
    }
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}
