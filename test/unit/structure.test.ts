/**
 * The shape of src/, read from the source's own imports: the command line
 * on top, commands under it, the engine and everything else below, no
 * cycles between files or between folders, the engine entered through
 * engine/index.ts alone, and `process` touched only by the CLI entry and the
 * Context.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
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
  const found = [...code(file).matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return found.map((spec) =>
    relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      .split('\\')
      .join('/'),
  );
}

const FILES = sourceFiles().map((file) => relative(SRC, file).split('\\').join('/'));
const GRAPH = new Map(FILES.map((file) => [file, imports(join(SRC, file))]));

/** A file's top folder under src/ (`engine` for engine/plan.ts); a file directly in src/ is a unit of its own. */
const folder = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);

/** Which folders import which, from the files' imports (a folder's imports of itself left out). */
function folderGraph(graph: Map<string, string[]>): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folders.get(folder(file)) ?? new Set<string>();
    folders.set(folder(file), from);
    for (const target of targets) if (folder(target) !== folder(file)) from.add(folder(target));
  }
  return folders;
}

/** The first cycle found in a graph, as the path round it; undefined when there is none. */
function findCycle(graph: Map<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Imports of src/engine/ files other than its entry, from outside src/engine/. */
function engineSideDoors(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    if (file.startsWith('engine/')) continue;
    for (const target of targets)
      if (target.startsWith('engine/') && target !== 'engine/index.ts') found.push(`${file} imports ${target}`);
  }
  return found;
}

const layer = (file: string) => (file.startsWith('cli/') ? 'cli' : file.startsWith('commands/') ? 'commands' : 'core');

describe('the shape of src/', () => {
  test('every import names a file that exists', () => {
    for (const [file, targets] of GRAPH)
      for (const target of targets) assert.ok(GRAPH.has(target), `${file} imports ${target}`);
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

  test('no import cycles between folders (a folder of src/ and the files directly in src/ each count as one)', () => {
    const cycle = findCycle(folderGraph(GRAPH));
    assert.equal(cycle, undefined, `folder cycle: ${cycle?.join(' -> ')}`);
  });

  test('the checks above see a folder cycle and a side door into the engine', () => {
    const made = new Map([
      ['cli/main.ts', ['commands/index.ts']],
      ['commands/index.ts', ['cli/options.ts']],
      ['cli/options.ts', []],
      ['sso/config.ts', ['engine/chain.ts', 'engine/index.ts']],
      ['engine/index.ts', ['engine/chain.ts']],
      ['engine/chain.ts', []],
    ]);
    assert.deepEqual(findCycle(folderGraph(made)), ['cli', 'commands', 'cli']);
    assert.deepEqual(engineSideDoors(made), ['sso/config.ts imports engine/chain.ts']);
  });

  test('only engine/index.ts is imported from outside src/engine/', () => {
    assert.deepEqual(engineSideDoors(GRAPH), []);
  });

  test('nothing below the commands imports a command or the command line', () => {
    for (const [file, targets] of GRAPH) {
      if (layer(file) !== 'core') continue;
      for (const target of targets) assert.equal(layer(target), 'core', `${file} imports ${target}`);
    }
  });

  test('commands do not import one another (shared options and parsing are not commands)', () => {
    const shared = new Set([
      'commands/spec.ts',
      'commands/option-groups.ts',
      'commands/requests.ts',
      'commands/recorded-request.ts',
      'commands/index.ts',
    ]);
    for (const [file, targets] of GRAPH) {
      if (layer(file) !== 'commands' || shared.has(file)) continue;
      for (const target of targets)
        assert.ok(layer(target) !== 'commands' || shared.has(target), `${file} imports ${target}`);
    }
  });

  test('only the CLI entry, the Context (with its descriptors) and the bundle loader touch process', () => {
    // The loader runs before any Context exists, for every bundle (main.cjs, the SDK's): it
    // asks which Node runs it (the shipped code caches fit one), keys its own caches by it, and
    // tells which build runs.
    const allowed = new Set([
      'cli/entry.ts',
      'cli/bin.ts',
      'context.ts',
      'descriptors.ts',
      'built-files.ts',
      'code-cache.ts',
      'code-cache-fit.ts',
      'own-code-cache.ts',
    ]);
    for (const file of FILES) {
      if (allowed.has(file)) continue;
      assert.doesNotMatch(code(join(SRC, file)), /\bprocess\s*[.[]/, `${file} reads process`);
    }
  });
});
