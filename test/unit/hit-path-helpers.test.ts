/**
 * What a cache hit runs in place of the costlier built-ins it would use once
 * per process (docs/performance.md): the cache key's SHA-256 in JavaScript
 * (src/cache/key.ts) and the expiration's ISO form built from its UTC fields
 * (src/credentials.ts). Each gives exactly what the built-in gives.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { sha256 } from '../../src/cache/key.js';
import { isoSeconds } from '../../src/credentials.js';

test("sha256 is node:crypto's over the UTF-8 of the text, at every length and for every kind of character", () => {
  // A lone surrogate (a Windows name may hold one) is U+FFFD, as node:crypto has it.
  const texts = [
    '',
    'a',
    'abc',
    '\0',
    'é',
    '€',
    '😀',
    '\ud800',
    '\udc00',
    'a\ud83db',
    '\ud800\udc62',
    'x'.repeat(55),
    'x'.repeat(56),
    'x'.repeat(64),
    'y'.repeat(1000),
  ];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const alphabet = ['a', 'Z', '0', '\n', '\0', 'é', 'ß', '€', '中', '😀', '\u{10ffff}', '"', '\\', '\ud800', '\udfff'];
  for (let n = 0; n < 300; n++)
    texts.push(
      Array.from({ length: Math.floor(random() * 200) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
        '',
      ),
    );
  for (const text of texts)
    assert.equal(sha256(text), createHash('sha256').update(text, 'utf8').digest('hex'), JSON.stringify(text));
});

test("isoSeconds is toISOString's without the fraction, for any date a credential may carry", () => {
  const dates = [
    new Date('2026-01-02T03:04:05.678Z'),
    new Date('2026-12-31T23:59:59.999Z'),
    new Date('2000-02-29T00:00:00Z'),
    new Date('1970-01-01T00:00:00Z'),
    new Date('9999-12-31T23:59:59Z'),
    new Date('1000-01-01T00:00:00Z'),
  ];
  for (let ms = Date.UTC(1990, 0, 1); ms < Date.UTC(2100, 0, 1); ms += 7_919_993_417) dates.push(new Date(ms));
  for (const date of dates) assert.equal(isoSeconds(date), date.toISOString().replace(/\.\d+Z$/, 'Z'));
  // Years of other than four digits are toISOString's own forms.
  assert.equal(isoSeconds(new Date('0999-01-01T00:00:00Z')), '0999-01-01T00:00:00Z');
  assert.equal(isoSeconds(new Date(Date.UTC(10000, 0, 1))), '+010000-01-01T00:00:00Z');
  assert.throws(() => isoSeconds(new Date(Number.NaN)), RangeError);
});
