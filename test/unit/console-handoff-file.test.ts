/**
 * The console's one-time address handed to the browser in a private file,
 * as on every platform but Linux (forced here by the platform parameter):
 * the launcher's arguments carry only a file:// URL, the file is the
 * user's alone, its redirect reaches the sign-in URL once, and the file
 * and its folder are gone afterwards, whatever happened.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { handoffWay, openInBrowser } from '../../src/console/browser.js';

/** A platform where a loopback client's owner cannot be checked: the file way, here on Linux too. */
const PLATFORM = 'darwin';
const TARGET = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRETTOKEN';

/** A launcher that exits with `code` at once, as xdg-open or `open` do after handing the URL on. */
function launcher(url: string, code = 0): ChildProcess {
  return spawn(process.execPath, ['-e', `process.exit(${code})`, url], { stdio: 'ignore' });
}

/** What a browser reads from the page: the address of its meta refresh. */
function refreshTarget(html: string): string {
  const match = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html);
  assert.ok(match, 'the page has a meta refresh');
  return match[1]!
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('console: the one-time address in a private file', () => {
  test('Linux gives the address itself (its owner is checked); macOS, Windows and the rest a file', () => {
    assert.equal(handoffWay('linux'), 'address');
    assert.equal(handoffWay('darwin'), 'file');
    assert.equal(handoffWay('win32'), 'file');
    assert.equal(handoffWay('freebsd'), 'file');
  });

  test('the launcher gets a file:// URL only; the 0600 page in a 0700 folder redirects once to the sign-in URL; then all is gone', async () => {
    const argvs: string[][] = [];
    let file = '';
    const redirects: Array<{ status: number; location: string | null }> = [];
    const why = await openInBrowser(
      TARGET,
      PLATFORM,
      () => undefined,
      10_000,
      async (url) => {
        const child = launcher(url);
        argvs.push(child.spawnargs);
        file = fileURLToPath(url);
        assert.equal(statSync(file).mode & 0o777, 0o600, 'the page is 0600');
        assert.equal(statSync(dirname(file)).mode & 0o777, 0o700, 'its folder is 0700');
        const html = readFileSync(file, 'utf8');
        assert.doesNotMatch(html, /SECRETTOKEN|signin\.aws/, 'the sign-in URL is not in the page');
        assert.match(html, /<meta name="referrer" content="no-referrer">/);
        const address = refreshTarget(html);
        assert.match(
          html,
          new RegExp(`location\\.replace\\(${JSON.stringify(address).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`),
        );
        for (let i = 0; i < 2; i++) {
          const response = await fetch(address, { redirect: 'manual' }).catch(() => undefined);
          redirects.push({ status: response?.status ?? 0, location: response?.headers.get('location') ?? null });
        }
        return child;
      },
    );
    assert.equal(why, undefined, 'the browser fetched the address');
    assert.equal(argvs.length, 1);
    const argv = argvs[0]!.join(' ');
    assert.match(argvs[0]!.at(-1)!, /^file:\/\/.*\/signin\.html$/);
    assert.doesNotMatch(argv, /127\.0\.0\.1|SECRETTOKEN|http:/, 'no loopback address and no token in the argv');
    assert.deepEqual(redirects[0], { status: 302, location: TARGET });
    assert.notEqual(redirects[1]!.status, 302, 'the address redirects only once');
    assert.equal(existsSync(file), false, 'the page is removed');
    assert.equal(existsSync(dirname(file)), false, 'its folder is removed');
  });

  test('a launcher that fails: the reason, and the file and folder are gone', async () => {
    let file = '';
    const why = await openInBrowser(
      TARGET,
      PLATFORM,
      () => undefined,
      10_000,
      async (url) => {
        file = fileURLToPath(url);
        assert.ok(existsSync(file));
        return launcher(url, 3);
      },
    );
    assert.match(why!, /failed \(exit code 3\)/);
    assert.ok(file);
    assert.equal(existsSync(dirname(file)), false, 'the folder is removed');
  });

  test('a launcher that cannot start, or no browser in time: the file and folder are gone', async () => {
    let file = '';
    const cannot = await openInBrowser(
      TARGET,
      PLATFORM,
      () => undefined,
      10_000,
      async (url) => {
        file = fileURLToPath(url);
        throw Object.assign(new Error('spawn nope ENOENT'), { code: 'ENOENT' });
      },
    );
    assert.match(cannot!, /cannot start a browser \(ENOENT\)/);
    assert.equal(existsSync(dirname(file)), false);
    const late = await openInBrowser(
      TARGET,
      PLATFORM,
      () => undefined,
      200,
      async (url) => {
        file = fileURLToPath(url);
        return launcher(url);
      },
    );
    assert.match(late!, /no browser asked for the page within 0.2s/);
    assert.equal(existsSync(dirname(file)), false);
  });
});
