/**
 * Text for the terminal: config values, STS answers, other programs' stderr
 * and environment variables reach stderr (and `cache list`'s stdout) with
 * every control character shown as a visible escape, never obeyed: no ESC
 * sequence retitles the window or clears the screen, no C1 CSI or OSC, no
 * bidi override. One module does it (src/text/printable.ts); URLs lose their
 * user and password (src/text/redact.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { printable, printableLines } from '../../src/text/printable.js';
import { redactSecrets, redactUrl } from '../../src/text/redact.js';
import { isolatedEnv, runCli, writeBaseProfile } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
/** Anything a terminal would obey: ESC, C1 CSI/OSC, BEL, DEL, bidi overrides and isolates. */
const OBEYED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';

describe('printable', () => {
  test('C0, DEL, C1 and bidi controls become visible escapes; other text stays', () => {
    assert.equal(printable(`a${TITLE}b`), 'a\\x1b]0;pwned\\x07b');
    assert.equal(printable('\u009b2J \u009d0;x \u007f'), '\\x9b2J \\x9d0;x \\x7f');
    assert.equal(printable('abc\u202egnp.exe \u2066x\u2069'), 'abc\\u202egnp.exe \\u2066x\\u2069');
    assert.equal(printable('line\nnext\r\t'), 'line\\x0anext\\x0d\\x09');
    assert.equal(printable('é ü 中文 \u{1F600} arn:aws:iam::1:role/x'), 'é ü 中文 \u{1F600} arn:aws:iam::1:role/x');
    assert.equal(printableLines('a\u001bb\nc'), 'a\\x1bb\nc');
  });

  test('redaction: the user and password of a URL, and known secrets', () => {
    assert.equal(redactUrl('http://user:SECRET@127.0.0.1:9/x'), 'http://[redacted]@127.0.0.1:9/x');
    assert.equal(redactUrl('cannot reach https://a:b@host/ now'), 'cannot reach https://[redacted]@host/ now');
    assert.equal(redactUrl('alice@example.com'), 'alice@example.com');
    assert.equal(redactSecrets('key ABCD and ABCD', ['ABCD', 'x']), 'key [redacted] and [redacted]');
  });
});

describe('what reaches the terminal', () => {
  const fixture = useStsFixture({ eachTest: true });
  const env = (extra: NodeJS.ProcessEnv = {}) =>
    isolatedEnv(fixture.home.dir, { AWS_ENDPOINT_URL_STS: fixture.fake.url, AWS_REGION: 'us-east-1', ...extra });

  test("an STS error's <Code> and <Message>, also in --debug's causes", async () => {
    const body = `<ErrorResponse><Error><Type>Sender</Type><Code>Evil${TITLE}</Code><Message>gone${CLEAR}\u009b2J</Message></Error><RequestId>1</RequestId></ErrorResponse>`;
    fixture.fake.failAlways({ status: 400, body });
    for (const args of [
      ['assume', ROLE],
      ['assume', ROLE, '--debug'],
    ]) {
      const run = await runCli(args, { env: env() });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      assert.doesNotMatch(run.stderr.replaceAll('\n', ''), OBEYED, args.join(' '));
      assert.match(run.stderr, /\\x1b/);
    }
  });

  test('a config value in an error (an invalid role_arn)', async () => {
    mkdirSync(join(fixture.home.dir, '.aws'), { recursive: true });
    writeFileSync(
      join(fixture.home.dir, '.aws', 'config'),
      `[profile bad]\nrole_arn = arn:${CLEAR}x\ncredential_source = Environment\n`,
    );
    const run = await runCli(['assume', '--profile', 'bad'], { env: env() });
    assert.notEqual(run.code, 0);
    assert.equal(run.stdout, '');
    assert.doesNotMatch(run.stderr.replaceAll('\n', ''), OBEYED);
  });

  test('STSENV_ROLE_ARN in the role-chain warning', async () => {
    const run = await runCli(['assume', ROLE], {
      env: env({ AWS_SESSION_TOKEN: 'token', STSENV_ROLE_ARN: `arn:x${TITLE}` }),
    });
    assert.match(run.stderr, /role chain/);
    assert.doesNotMatch(run.stderr.replaceAll('\n', ''), OBEYED);
  });

  test('cache list: names from a cache file', async () => {
    const dir = join(fixture.home.dir, '.cache', 'stsenv');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const entry = {
      version: 1,
      label: {
        operation: `AssumeRole${CLEAR}`,
        role: `arn:${TITLE}`,
        base: `evil\u009d0;x\u0007`,
        region: 'us\u202eeast',
      },
      credentials: {
        accessKeyId: 'A',
        secretAccessKey: 'S',
        sessionToken: 'T',
        expiration: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
    writeFileSync(join(dir, `${'a'.repeat(64)}.json`), JSON.stringify(entry), { mode: 0o600 });
    const run = await runCli(['cache', 'list'], { env: env({ STSENV_NO_CACHE: undefined }) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /evil\\x9d0;x\\x07/);
    assert.doesNotMatch(run.stdout.replaceAll('\n', '').replaceAll('\t', ''), OBEYED);
  });

  test('userinfo of an endpoint URL is never shown', async () => {
    writeBaseProfile(fixture.home.dir);
    const run = await runCli(['assume', ROLE, '--debug', '--max-attempts', '1'], {
      env: env({ AWS_ENDPOINT_URL_STS: 'http://user:TOPSECRET@127.0.0.1:9/' }),
    });
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stderr, /TOPSECRET/);
  });
});
