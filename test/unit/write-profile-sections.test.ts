/** replaceSection line by line: what --write-profile keeps, replaces and adds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaceSection } from '../../src/config/credentials-file.js';

const CREDS = {
  accessKeyId: 'ASIANEW',
  secretAccessKey: 'new/secret',
  sessionToken: 'new-token',
  expiration: new Date('2030-01-02T03:04:05.678Z'),
};
const BLOCK =
  'aws_access_key_id = ASIANEW\naws_secret_access_key = new/secret\naws_session_token = new-token\naws_credential_expiration = 2030-01-02T03:04:05Z';

test('an empty or missing file gets the section alone', () => {
  assert.equal(replaceSection('', 'p', CREDS), `[p]\n${BLOCK}\n`);
});

test('a new section goes at the end, after a blank line, even without a final newline', () => {
  assert.equal(replaceSection('[a]\nx = 1', 'p', CREDS), `[a]\nx = 1\n\n[p]\n${BLOCK}\n`);
});

test('CRLF files stay CRLF', () => {
  assert.equal(
    replaceSection('[a]\r\nx = 1\r\n', 'p', CREDS),
    `[a]\r\nx = 1\r\n\r\n[p]\r\n${BLOCK.replace(/\n/g, '\r\n')}\r\n`,
  );
});

test('keys missing from the section are added after its last key, before the comments that lead into the next section', () => {
  const text = '[p]\nregion = eu-west-1\n\n# about q\n[q]\nk = v\n';
  assert.equal(replaceSection(text, 'p', CREDS), `[p]\nregion = eu-west-1\n${BLOCK}\n\n# about q\n[q]\nk = v\n`);
});

test('long-term keys drop an old token and expiration; repeats of a key go', () => {
  const text =
    '[p]\naws_access_key_id = OLD\naws_access_key_id = OLDER\naws_session_token = t\naws_credential_expiration = x\naws_secret_access_key = s\n';
  assert.equal(
    replaceSection(text, 'p', { accessKeyId: 'AKIA', secretAccessKey: 'k' }),
    '[p]\naws_access_key_id = AKIA\naws_secret_access_key = k\n',
  );
});

test('only a section with exactly that name matches: [profile p] and [pp] are left alone', () => {
  const text = '[profile p]\na = 1\n[pp]\nb = 2\n[ p ]\nc = 3\n';
  assert.equal(replaceSection(text, 'p', CREDS), `[profile p]\na = 1\n[pp]\nb = 2\n[ p ]\nc = 3\n${BLOCK}\n`);
});

test('a value an ini line cannot carry is refused', () => {
  assert.throws(() => replaceSection('', 'p', { ...CREDS, sessionToken: 'a\nb' }), /line break/);
});
