/**
 * The set-up most end-to-end test files share: a loopback fake STS for the
 * file and a temporary HOME, one for the whole file or, with `eachTest`, a
 * fresh one (and a reset fake) for every test. It registers node:test hooks,
 * so call it at the top level of a test file, and read `fixture.fake` and
 * `fixture.home` inside tests. A file's own set-up of the HOME goes in
 * `setup`, which runs once both are ready: Node 20 does not wait for one
 * top-level `before` hook to finish before it starts the next.
 */
import { after, before, beforeEach } from 'node:test';
import { startFakeSts, type FakeSts } from './fake-sts.js';
import { tempDir } from './run-cli.js';

export interface StsFixture {
  fake: FakeSts;
  home: { dir: string; cleanup: () => void };
}

export function useStsFixture(options: { eachTest?: boolean; setup?: (fixture: StsFixture) => void } = {}): StsFixture {
  const fixture = {} as StsFixture;
  before(async () => {
    fixture.fake = await startFakeSts();
    if (options.eachTest) return;
    fixture.home = tempDir();
    options.setup?.(fixture);
  });
  if (options.eachTest) {
    beforeEach(() => {
      fixture.fake.reset();
      fixture.home?.cleanup();
      fixture.home = tempDir();
      options.setup?.(fixture);
    });
  }
  after(async () => {
    await fixture.fake?.close();
    fixture.home?.cleanup();
  });
  return fixture;
}
