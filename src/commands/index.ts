import type { CommandSpec } from './spec.js';

// Each command's run() takes its own parsed options; the registry holds them all.
// biome-ignore lint/suspicious/noExplicitAny: each command's options type differs, and run() is contravariant in it
export type AnyCommand = CommandSpec<any>;

export interface CommandEntry {
  /** The command's name (test/pty/startup.test.ts checks they match). */
  name: string;
  /** Loaded only when this command runs (or yargs needs them all): start-up pays for one command, not every one. */
  load: () => Promise<AnyCommand>;
}

/** Every subcommand, in the order --help lists them. Adding one is one file and one line here. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'assume', load: async () => (await import('./assume.js')).assumeCommand },
  { name: 'session', load: async () => (await import('./session.js')).sessionCommand },
  { name: 'web-identity', load: async () => (await import('./web-identity.js')).webIdentityCommand },
  { name: 'saml', load: async () => (await import('./saml.js')).samlCommand },
  { name: 'whoami', load: async () => (await import('./whoami.js')).whoamiCommand },
  { name: 'unset', load: async () => (await import('./unset.js')).unsetCommand },
  { name: 'refresh', load: async () => (await import('./refresh.js')).refreshCommand },
  { name: 'exec', load: async () => (await import('./exec.js')).execCommand },
  { name: 'console', load: async () => (await import('./console.js')).consoleCommand },
  { name: 'init', load: async () => (await import('./init.js')).initCommand },
  { name: 'export', load: async () => (await import('./export.js')).exportCommand },
  { name: 'doctor', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'keys', load: async () => (await import('./keys.js')).keysCommand },
  { name: 'cache', load: async () => (await import('./cache.js')).cacheCommand },
  { name: 'sso', load: async () => (await import('./sso.js')).ssoCommand },
  { name: 'completion', load: async () => (await import('./completion.js')).completionCommand },
];

/** Every command's spec, for yargs (full parsing, help). */
export function loadCommands(): Promise<AnyCommand[]> {
  return Promise.all(COMMANDS.map((entry) => entry.load()));
}
