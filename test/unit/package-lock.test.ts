/**
 * `npm ci` (what CI runs) refuses a lock file that lacks any package of the
 * tree, even an optional one for another platform. The registry this
 * project is built against serves nushell's linux-x64 binary package only,
 * so `npm install` drops the other platforms' entries: this keeps them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

interface LockEntry {
  version?: string;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

test('every optional dependency in the tree has its own entry in package-lock.json (npm ci needs them all)', () => {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
      // npm looks for a dependency beside the package, then in each node_modules above it.
      const candidates = [`${path}/node_modules/${name}`, `node_modules/${name}`];
      const found = candidates.map((candidate) => lock.packages[candidate]).find(Boolean);
      if (!found) missing.push(`${name}@${range} (wanted by ${path || 'the root'})`);
      else assert.ok(found.optional, `${name} is marked optional`);
    }
  }
  assert.deepEqual(
    missing,
    [],
    'restore the entries `npm install` dropped (the registry may not serve every platform)',
  );
});
