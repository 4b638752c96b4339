/**
 * The forms a cache hit reads without regular expressions
 * (src/text/plain-forms.ts) answer as the expressions they stand for, on the
 * usual values, on every near miss, and on random strings over the
 * characters that matter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationParts, isRegionName, isRoleArn, nameCharsOnly } from '../../src/text/plain-forms.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const DURATION = /^(?:(\d+)|(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)$/;

let seed = 11;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const randomText = (alphabet: readonly string[], max: number) =>
  Array.from({ length: random(max + 1) }, () => alphabet[random(alphabet.length)]).join('');

/** Every string one edit (a character dropped, doubled or changed to one of `alphabet`) from `text`. */
function nearMisses(text: string, alphabet: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i <= text.length; i++) {
    out.push(text.slice(0, i) + text.slice(i + 1), text.slice(0, i) + text[i] + text.slice(i));
    for (const c of alphabet) out.push(text.slice(0, i) + c + text.slice(i + 1), text.slice(0, i) + c + text.slice(i));
  }
  return out;
}

test('isRoleArn is the role ARN expression', () => {
  const good = [
    'arn:aws:iam::123456789012:role/deploy',
    'arn:aws-cn:iam::123456789012:role/a',
    'arn:aws-us-gov:iam::123456789012:role/path/to/Role+=,.@-_9',
    `arn:aws:iam::123456789012:role/${'r'.repeat(512)}`,
  ];
  const alphabet = ['a', 'Z', '0', '1', ':', '/', '-', '_', '+', '=', ',', '.', '@', ' ', '*', 'é', '\n'];
  const cases = [...good, `arn:aws:iam::123456789012:role/${'r'.repeat(513)}`, ''];
  for (const text of good) cases.push(...nearMisses(text.slice(0, 60), alphabet));
  for (let n = 0; n < 3000; n++)
    cases.push(
      `arn:aws${randomText(['-', 'a', ':', 'i'], 3)}:iam::${randomText(['1', '2', 'x'], 13)}:role/${randomText(alphabet, 6)}`,
    );
  for (const text of cases) assert.equal(isRoleArn(text), ROLE_ARN.test(text), JSON.stringify(text));
  for (const text of good) assert.ok(isRoleArn(text), text);
});

test('isRegionName is the region expression', () => {
  const good = ['us-east-1', 'eu-west-2', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-12', 'il-central-1'];
  const alphabet = ['a', 'z', '-', '1', '9', 'A', ' ', '_'];
  const cases = [...good, '', 'us', 'us-1', 'use-east-1', 'us-east-123', 'us-east-', '-us-east-1', 'us-east-1-'];
  for (const text of good) cases.push(...nearMisses(text, alphabet));
  for (let n = 0; n < 3000; n++) cases.push(randomText(['a', 'b', '-', '1', '2', 'X'], 9));
  for (const text of cases) assert.equal(isRegionName(text), REGION.test(text), JSON.stringify(text));
});

test("nameCharsOnly is the session name's replacement of every other character", () => {
  const alphabet = ['a', 'Z', '0', '_', '+', '=', ',', '.', '@', '-', ' ', '/', 'é', '😀', '\ud800', '\n', '*', ':'];
  for (let n = 0; n < 2000; n++) {
    const text = randomText(alphabet, 12);
    assert.equal(nameCharsOnly(text), text.replace(/[^\w+=,.@-]/g, '_'), JSON.stringify(text));
  }
});

test('durationParts reads what the duration expression matches, with the same numbers', () => {
  const alphabet = ['1', '0', '9', 'h', 'm', 's', ' ', 'x', 'd'];
  const cases = ['', '3600', '15m', '1h', '1h30m', '1h30m15s', '90s', '2h15s', 'h', 'm1', '1m1h', '1h1h', '01h', '1hm'];
  for (let n = 0; n < 5000; n++) cases.push(randomText(alphabet, 7));
  for (const text of cases) {
    const match = DURATION.exec(text);
    const expected = match ? { seconds: match[1], h: match[2], m: match[3], s: match[4] } : undefined;
    const parts = durationParts(text);
    const got = parts ? { seconds: parts.seconds, h: parts.h, m: parts.m, s: parts.s } : undefined;
    assert.deepEqual(got, expected, JSON.stringify(text));
  }
});
