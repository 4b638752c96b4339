/**
 * --debug's stack frames through the bundles' source maps (src/stack-sources.ts):
 * a frame of a bundle in the installed dist folder gets its source position,
 * on the first line too (where the stored wrapper moves the columns); any
 * other frame, and a bundle without a map, stays as it was.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Script } from 'node:vm';
import { buildSync } from 'esbuild';
import { withSource } from '../../src/stack-sources.js';

const dist = mkdtempSync(join(tmpdir(), 'stsenv-stack-sources-'));
after(() => rmSync(dist, { recursive: true, force: true }));

// A bundle as the build makes one: minified, with a map beside it, then stored wrapped.
const source = join(dist, 'plan.ts');
writeFileSync(
  source,
  'export function planned(n: number) {\n  if (n > 1) throw new Error("no plan");\n  return n;\n}\n',
);
const [map, code] = buildSync({
  entryPoints: [source],
  bundle: true,
  format: 'cjs',
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  outfile: join(dist, 'main.cjs'),
  write: false,
}).outputFiles;
writeFileSync(join(dist, 'main.cjs.map'), map!.text);
const bundle = join(dist, 'main.cjs');
writeFileSync(bundle, Module.wrap(code!.text));

/** Where V8 puts the throw of the built bundle: its frame as a stack shows it. */
function thrownFrame(): string {
  const run = new Script(Module.wrap(code!.text), { filename: bundle }).runInThisContext();
  const module = { exports: {} as { planned(n: number): number } };
  run(module.exports, undefined, module, bundle, dist);
  try {
    module.exports.planned(2);
  } catch (error) {
    return (error as Error).stack!.split('\n').find((line) => line.includes(bundle))!;
  }
  throw new Error('did not throw');
}

test("a bundle's frame names the source line it runs", () => {
  const frame = thrownFrame();
  assert.match(withSource(frame, dist), /^ {4}at \S+ \[.*plan\.ts:2:20\] \(.*main\.cjs:\d+:\d+\)$/);
});

test('the first line: the columns the stored wrapper adds are taken off', () => {
  // esbuild puts the whole minified bundle on one line: the throw is on the first.
  const frame = thrownFrame();
  assert.match(frame, /main\.cjs:1:\d+\)$/);
  assert.match(withSource(frame, dist), /plan\.ts:2:20\]/);
});

test('a frame without a name keeps its location, and gets the source', () => {
  const [, line, column] = /main\.cjs:(\d+):(\d+)/.exec(thrownFrame())!;
  assert.match(withSource(`    at ${bundle}:${line}:${column}`, dist), /^ {4}at <anonymous> \[.*plan\.ts:2:20\] \(/);
});

test('frames of Node, of other folders and of bundles without a map are left as they are', () => {
  for (const frame of [
    '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
    `    at a (/elsewhere/main.cjs:1:80)`,
    `    at a (${join(dist, 'vendor.cjs')}:1:80)`,
    'not a frame',
  ])
    assert.equal(withSource(frame, dist), frame);
});
