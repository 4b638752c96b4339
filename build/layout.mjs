// Where the build puts each part of stsenv: which of stsenv's own modules begin a feature
// bundle of their own, and which vendor bundle each third-party package goes to. The
// decisions of the layout, kept apart from the machinery that carries them out
// (build/bundles.mjs); docs/performance.md says why the layout is what it is.

/**
 * Own code that not every path needs, in bundles of its own (dist/features/NAME.cjs), so that
 * main.cjs, which every start reads and loads, holds what the quick paths (unset, init, the
 * lean parser) run. Each entry here is a module that begins a feature: its bundle holds it
 * and every module only it uses; a module several bundles use is main.cjs's, and a feature
 * takes it from there (build/bundles.mjs), so that no module is ever loaded twice. A
 * feature is loaded where a module first imports it, as vendor bundles are: reaching one
 * through `await import()` keeps it off the paths that do not run that import.
 */
export const FEATURES = {
  sso: 'src/sso/login.ts',
  console: 'src/console/run-console.ts',
  server: 'src/server/serve-credentials.ts',
  picker: 'src/picker/pick-profile.ts',
  complete: 'src/cli/complete.ts',
  mistakes: 'src/cli/mistakes.ts',
  'full-parser': 'src/cli/yargs-parser.ts',
  'write-profile': 'src/config/credentials-file.ts',
  saml: 'src/saml/read-saml.ts',
  doctor: 'src/doctor/run-doctor.ts',
  keystore: 'src/keystore/keystore.ts',
  // A request to STS, for the runs the cache does not answer. (The engine itself stays in
  // main.cjs: a cache hit would read two scripts and their caches, see docs/performance.md.)
  sts: 'src/aws/sts.ts',
  // Commands that run now and then, each with what only it uses; the commands a shell runs at
  // a prompt (assume, session, unset, init, refresh, export, web-identity) stay in main.cjs.
  'command-whoami': 'src/commands/whoami.ts',
  'command-saml': 'src/commands/saml.ts',
  'command-exec': 'src/commands/exec.ts',
  'command-console': 'src/commands/console.ts',
  'command-doctor': 'src/commands/doctor.ts',
  'command-keys': 'src/commands/keys.ts',
  'command-cache': 'src/commands/cache.ts',
  'command-sso': 'src/commands/sso.ts',
  'command-completion': 'src/commands/completion.ts',
  // The helper commands of mfa_process, saml_assertion_process and --browser-command (engine and console).
  'helper-command': 'src/exec/helper-command.ts',
  // Modules several of the bundles above use and no quick path does: each a bundle of its own
  // rather than a part of main.cjs, which every start reads.
  'report-error': 'src/report-error.ts',
  'aws-errors': 'src/aws/errors.ts',
  'aws-proxy': 'src/aws/proxy.ts',
  'saml-assertion': 'src/saml/assertion.ts',
  'spawn-command': 'src/exec/spawn-command.ts',
  'file-lock': 'src/files/file-lock.ts',
  'loopback-server': 'src/server/loopback-server.ts',
  'console-services': 'src/console/services.ts',
};

/** Which vendor bundle a package goes to; packages not listed are bundled into main.cjs (chalk: small, and loaded lazily there). */
export function vendorOf(specifier) {
  if (specifier === 'yargs' || specifier.startsWith('yargs/')) return 'yargs';
  // Only with a proxy: its https.Agent subclass would load node:https and node:tls at every start.
  if (specifier === 'hpagent') return 'proxy';
  // Only `sso login` and `sso logout` talk to IAM Identity Center: every other request would pay for them.
  if (specifier === '@aws-sdk/client-sso-oidc' || specifier === '@aws-sdk/client-sso') return 'sso';
  if (specifier === 'open') return 'browser';
  // Only `assume` with neither a role nor --profile, on a terminal, draws the picker.
  if (specifier === '@clack/prompts') return 'picker';
  // Only `stsenv exec` spawns (cross-spawn, for Windows' .cmd programs and quoting).
  if (specifier === 'cross-spawn' || specifier.startsWith('cross-spawn/')) return 'spawn';
  // Only a mistyped command or option is measured against the right ones.
  if (specifier === 'fastest-levenshtein') return 'nearest';
  // Only a command line a profile or --browser-command gives is split (mfa_process, saml_assertion_process).
  if (specifier === 'shlex') return 'split';
  // Only runs that read or change keys in the keystore load its binding (and its native part).
  if (specifier === '@napi-rs/keyring') return 'keyring';
  if (/^(@aws-sdk|@smithy|@aws)\//.test(specifier)) return 'aws';
  return undefined;
}
