/**
 * `npm run demo` (test/support/demo.ts) works with no AWS account and leaves
 * nothing of its own in the user's HOME: no cache entry, no AWS files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDir } from '../support/run-cli.js';

const DEMO = fileURLToPath(new URL('../support/demo.ts', import.meta.url));

test('the demo prints the lines and the identity, and writes nothing into HOME', async () => {
  const home = tempDir();
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home.dir,
      USER: 'tester',
      LANG: 'C.UTF-8',
      STSENV_SHELL: 'bash',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', DEMO], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.match(stdout, /export AWS_ACCESS_KEY_ID='ASIA/);
    assert.match(stdout, /Arn: +arn:aws:sts::123456789012:assumed-role\/demo\/demo/);
    assert.deepEqual(readdirSync(home.dir), [], 'the demo left files in HOME');
  } finally {
    home.cleanup();
  }
});
