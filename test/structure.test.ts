/**
 * The shape of src/, read from the source's own imports: the command line
 * on top, commands under it, the engine and everything else below, no
 * cycles, and `process` touched only by the CLI entry and the Context.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Code without comments, so that words in them do not count. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every module of src/ a file imports, statically, dynamically or for types alone, as paths relative to src/. */
function imports(file: string): string[] {
  const found = [...code(file).matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return found.map((spec) => relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))).split('\\').join('/'));
}

const FILES = sourceFiles().map((file) => relative(SRC, file).split('\\').join('/'));
const GRAPH = new Map(FILES.map((file) => [file, imports(join(SRC, file))]));

const layer = (file: string) => (file.startsWith('cli/') ? 'cli' : file.startsWith('commands/') ? 'commands' : 'core');

describe('the shape of src/', () => {
  test('every import names a file that exists', () => {
    for (const [file, targets] of GRAPH) for (const target of targets) assert.ok(GRAPH.has(target), `${file} imports ${target}`);
  });

  test('no import cycles', () => {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      assert.notEqual(state.get(file), 'open', `import cycle: ${[...path, file].join(' -> ')}`);
      state.set(file, 'open');
      for (const target of GRAPH.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
  });

  test('nothing below the commands imports a command or the command line', () => {
    for (const [file, targets] of GRAPH) {
      if (layer(file) !== 'core') continue;
      for (const target of targets) assert.equal(layer(target), 'core', `${file} imports ${target}`);
    }
  });

  test('commands do not import one another (shared options and parsing are not commands)', () => {
    const shared = new Set(['commands/option-groups.ts', 'commands/requests.ts', 'commands/recorded-request.ts', 'commands/index.ts']);
    for (const [file, targets] of GRAPH) {
      if (layer(file) !== 'commands' || shared.has(file)) continue;
      for (const target of targets) assert.ok(layer(target) !== 'commands' || shared.has(target), `${file} imports ${target}`);
    }
  });

  test('only the CLI entry, the Context and the bundle loader touch process', () => {
    // The loader runs before any Context exists, for every bundle (main.cjs, the SDK's): it
    // keys its own code caches by the Node that runs it, and tells which build runs.
    const allowed = new Set(['cli/entry.ts', 'context.ts', 'built-files.ts', 'own-code-cache.ts']);
    for (const file of FILES) {
      if (allowed.has(file)) continue;
      assert.doesNotMatch(code(join(SRC, file)), /\bprocess\s*[.[]/, `${file} reads process`);
    }
  });
});
