/**
 * Input faults: every bad value of every option ends with exit 2
 * (1 for a file that cannot be read) before any request, an empty stdout, and one line naming the option and
 * the form it accepts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BAD_INPUT_CASES, runCase, startWorld, type World } from '../support/fault-cases.js';

let world: World;
let ran = 0;

before(async () => {
  world = await startWorld();
});
after(async () => {
  console.log(`bad input: ${ran} cases`);
  await world.close();
});

describe('bad input is refused before any request', () => {
  for (const c of BAD_INPUT_CASES) {
    test(c.name, async () => {
      const { result } = await runCase(world, c);
      ran++;
      const context = `stderr: ${result.stderr}`;
      assert.equal(result.code, c.exitCode ?? 2, context);
      assert.equal(result.stdout, '', 'stdout stays empty');
      assert.equal(world.fake.requests.length, 0, 'no request reached STS');
      const lines = result.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `one line for people: ${context}`);
      assert.match(lines[0]!, /^stsenv: error: /);
      for (const pattern of c.message) assert.match(result.stderr, pattern);
      for (const [what, secret] of Object.entries(c.secrets ?? {}))
        assert.ok(!result.stderr.includes(secret), `${what} is not echoed`);
    });
  }
});
