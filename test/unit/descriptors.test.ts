/**
 * Whether stdout or stderr is a terminal decides colour, prompts and the
 * hint that printed lines change nothing until a shell runs them
 * (src/descriptors.ts): answered without node:tty for a pipe, a file and
 * /dev/null, where scripts send what nobody reads.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isTerminal } from '../../src/descriptors.js';
import { tempDir } from '../support/run-cli.js';

const scratch = tempDir('stsenv-descriptors-');
after(() => scratch.cleanup());

test('a file and /dev/null are no terminal', { skip: process.platform === 'win32' }, () => {
  for (const path of [join(scratch.dir, 'out'), '/dev/null']) {
    const fd = openSync(path, 'w');
    try {
      assert.equal(isTerminal(fd), false, path);
    } finally {
      closeSync(fd);
    }
  }
});
