/**
 * Secrets: every command, every fault and every bad input of
 * test/support/fault-cases.ts runs again with --debug, and the issued secret
 * keys and session tokens, the base secret key, MFA codes, OIDC tokens and
 * proxy passwords are looked for in stderr, in stdout when the run failed (or
 * printed nothing meant to carry credentials), and in every file under the
 * run's HOME and TMPDIR. A file may hold a secret only if it is the owner's
 * alone (no group or other permission on it or the directories above it) and
 * is not a leftover temporary file.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BAD_INPUT_CASES,
  caseSecrets,
  FAULT_CASES,
  MFA_SERIAL,
  OIDC_TOKEN,
  ROLE,
  runCase,
  SAML_ASSERTION,
  startWorld,
  TOKEN_CODE,
  type World,
} from '../support/fault-cases.js';
import { filesUnder } from '../support/net-guard.js';
import type { CliResult } from '../support/run-cli.js';

let world: World;
let faults = 0;
let badInput = 0;
let commands = 0;

before(async () => {
  world = await startWorld();
});
after(async () => {
  console.log(
    `secrets checked with --debug: faults: ${faults} cases, bad input: ${badInput} cases, commands: ${commands} runs`,
  );
  await world.close();
});

const TEMP_NAME = /\.tmp|\btmp\b|~$|\.swp$|\.partial$/i;

/** Where secrets leaked in one run, as `what: where` (never the secret itself). */
function leaks(result: CliResult, home: string, secrets: Record<string, string>, stdoutMayCarry: boolean): string[] {
  const found: string[] = [];
  const texts: Record<string, string> = { stderr: result.stderr };
  if (!stdoutMayCarry || result.code !== 0) texts.stdout = result.stdout;
  const files = filesUnder(home);
  for (const [what, secret] of Object.entries(secrets)) {
    if (!secret) continue;
    for (const [where, text] of Object.entries(texts)) if (text.includes(secret)) found.push(`${what}: ${where}`);
    for (const file of files) {
      if (!file.content.includes(secret)) continue;
      const name = relative(home, file.path);
      if (TEMP_NAME.test(name)) found.push(`${what}: temporary file ${name}`);
      for (let path = file.path; path.startsWith(home) && path !== home; path = dirname(path)) {
        const mode = statSync(path).mode & 0o777;
        if (mode & 0o077) found.push(`${what}: ${name} (${relative(home, path) || '.'} has mode ${mode.toString(8)})`);
      }
    }
  }
  return found;
}

describe('no secret leaks from a fault, with --debug', () => {
  for (const c of FAULT_CASES) {
    test(c.name, async (t) => {
      if (c.needsTls && !world.tls) {
        t.skip('openssl not installed');
        return;
      }
      const { result, home } = await runCase(world, c, true);
      faults++;
      assert.equal(result.code, c.code, result.stderr);
      assert.match(result.stderr, /stsenv: debug: /, '--debug was on');
      assert.deepEqual(leaks(result, home, caseSecrets(world, c.secrets), true), []);
    });
  }
});

describe('no secret leaks from bad input, with --debug', () => {
  for (const c of BAD_INPUT_CASES) {
    test(c.name, async () => {
      const { result, home } = await runCase(world, c, true);
      badInput++;
      assert.equal(result.code, c.exitCode ?? 2, result.stderr);
      assert.deepEqual(leaks(result, home, caseSecrets(world, c.secrets), false), []);
    });
  }
});

describe('no secret leaks from a successful command, with --debug', () => {
  const at = (w: World) => ['--endpoint-url', w.fake.url, '--region', 'us-east-1'];
  const runs: Array<{
    name: string;
    args: (w: World) => string[];
    carriesCredentials: boolean;
    secrets?: Record<string, string>;
  }> = [
    { name: 'assume', args: (w) => ['assume', ROLE, ...at(w), '--tag', 'team=ops'], carriesCredentials: true },
    {
      name: 'assume with MFA',
      args: (w) => ['assume', ROLE, ...at(w), '--mfa-serial', MFA_SERIAL, '--token-code', TOKEN_CODE],
      carriesCredentials: true,
      secrets: { 'MFA code': TOKEN_CODE },
    },
    {
      name: 'assume --shell json',
      args: (w) => ['assume', ROLE, ...at(w), '--shell', 'json'],
      carriesCredentials: true,
    },
    {
      name: 'session with MFA',
      args: (w) => ['session', ...at(w), '--mfa-serial', MFA_SERIAL, '--token-code', TOKEN_CODE],
      carriesCredentials: true,
      secrets: { 'MFA code': TOKEN_CODE },
    },
    {
      name: 'web-identity --token-file',
      args: (w) => ['web-identity', ROLE, ...at(w), '--token-file', join(w.inputs, 'token')],
      carriesCredentials: true,
      secrets: { 'OIDC token': OIDC_TOKEN },
    },
    {
      name: 'web-identity --token',
      args: (w) => ['web-identity', ROLE, ...at(w), '--token', OIDC_TOKEN],
      carriesCredentials: true,
      secrets: { 'OIDC token': OIDC_TOKEN },
    },
    {
      name: 'saml --assertion-file',
      args: (w) => ['saml', ROLE, ...at(w), '--assertion-file', join(w.inputs, 'saml.b64')],
      carriesCredentials: true,
      secrets: { 'SAML assertion': SAML_ASSERTION },
    },
    { name: 'doctor', args: (w) => ['doctor', ...at(w)], carriesCredentials: false },
    { name: 'whoami', args: (w) => ['whoami', ...at(w)], carriesCredentials: false },
    { name: 'whoami --json', args: (w) => ['whoami', ...at(w), '--json'], carriesCredentials: false },
    { name: 'unset', args: () => ['unset'], carriesCredentials: false },
    { name: 'init bash', args: () => ['init', 'bash'], carriesCredentials: false },
    {
      name: 'exec',
      args: (w) => ['exec', ROLE, ...at(w), '--', process.execPath, '-e', 'process.exit(0)'],
      carriesCredentials: false,
    },
  ];
  for (const run of runs) {
    test(run.name, async () => {
      const { result, home } = await runCase(world, { args: run.args }, true);
      commands++;
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(leaks(result, home, caseSecrets(world, run.secrets), run.carriesCredentials), []);
    });
  }
});
