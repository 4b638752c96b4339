/**
 * childPath (src/files/child-path.ts) is path.join: the same string for
 * every directory and names, normalized ones (joined without a second look)
 * and every other kind (given to path.join).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { childPath } from '../../src/files/child-path.js';

const DIRS = [
  '/home/ana',
  '/home/ana/.cache',
  '/',
  '//',
  '/home//ana',
  '/home/ana/',
  '/home/./ana',
  '/home/../ana',
  '/home/ana/.',
  '/home/ana/..',
  '/home/ana/...',
  '/home/.ana',
  '/home/..ana',
  'home/ana',
  './home',
  '../home',
  '.',
  '..',
  '',
  '/home/a\\b',
  '/tmp/stsenv-bench-oAkFzI/home-4/.cache',
];
const NAMES = [['stsenv'], ['.cache'], ['.aws', 'config'], ['x.json'], ['..'], ['.'], [''], ['a/b'], ['a\\b'], ['...']];

test('the same string as path.join for every directory and names', () => {
  for (const dir of DIRS) for (const names of NAMES) assert.equal(childPath(dir, ...names), join(dir, ...names));
});

test('the same string as path.join for random paths of /, ., .. and letters', () => {
  const parts = ['/', '.', '..', 'a', 'bc', '/', '\\'];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  for (let i = 0; i < 20000; i++) {
    let dir = '';
    for (let n = next() % 8; n > 0; n--) dir += parts[next() % parts.length];
    const name = ['x', 'y.json', '.d', parts[next() % parts.length]!][next() % 4]!;
    assert.equal(childPath(dir, name), join(dir, name), JSON.stringify([dir, name]));
  }
});
