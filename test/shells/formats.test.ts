/**
 * Every format in the registry, over one table of values: the exact text a
 * shell reads, or a refusal that names the variable and the format but never
 * the value. The expected texts are written out by hand from
 * each shell's quoting rules (README "Output formats"), not computed with the code under test.
 */
import { loadSharedConfigFiles } from '@smithy/core/config';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CredentialOutput } from '../../src/credentials.js';
import { StsenvError } from '../../src/errors.js';
import { replaceSection } from '../../src/config/credentials-file.js';
import { renderCredentials, renderEnvChange, renderUnset } from '../../src/shells/render.js';
import { FORMATS, type EnvFormat, type Format } from '../../src/shells/index.js';
import {
  parseEnvDump,
  psQuote,
  pwshDumpEnvCommand,
  requireShellOrSkip,
  runPwshScript,
  scratchFile,
} from '../support/shells.js';

/** The quoting families; bash, zsh and sh share one syntax. */
type Family = 'posix' | 'fish' | 'powershell' | 'cmd' | 'dotenv' | 'nu' | 'elvish' | 'xonsh' | 'tcsh';

const FAMILY: Record<string, Family | 'json' | 'ini'> = {
  bash: 'posix',
  zsh: 'posix',
  sh: 'posix',
  fish: 'fish',
  powershell: 'powershell',
  cmd: 'cmd',
  dotenv: 'dotenv',
  nu: 'nu',
  elvish: 'elvish',
  xonsh: 'xonsh',
  tcsh: 'tcsh',
  json: 'json',
  ini: 'ini',
};

/** A whole line for variable `name` whose value is already quoted as `quoted`. */
const LINE: Record<Family, (name: string, quoted: string) => string> = {
  posix: (name, q) => `export ${name}=${q};\n`,
  fish: (name, q) => `set -gx ${name} ${q};\n`,
  powershell: (name, q) => `$env:${name} = ${q}\n`,
  cmd: (name, q) => `set "${name}=${q}"\r\n`,
  dotenv: (name, q) => `${name}=${q}\n`,
  nu: (name, q) => `{"name":"${name}","value":${q}}\n`,
  elvish: (name, q) => `set-env ${name} ${q}\n`,
  xonsh: (name, q) => `$${name} = ${q}\n`,
  tcsh: (name, q) => `setenv ${name} ${q};\n`,
};

const CLEAR: Record<Family, (name: string) => string> = {
  posix: (name) => `unset ${name};\n`,
  fish: (name) => `set -e ${name}; or true;\n`,
  powershell: (name) => `Remove-Item -Path Env:${name} -ErrorAction SilentlyContinue\n`,
  cmd: (name) => `set "${name}="\r\n`,
  // An env file cannot unset: an empty `NAME=` would set it to '' (AWS_PROFILE= breaks the AWS CLI).
  dotenv: () => '',
  nu: (name) => `{"name":"${name}","value":null}\n`,
  elvish: (name) => `unset-env ${name}\n`,
  xonsh: (name) => `\${...}.pop('${name}', None)\n`,
  tcsh: (name) => `unsetenv ${name};\n`,
};

/** Marks a value the format must refuse. */
const REFUSED = null;

interface Row {
  label: string;
  value: string;
  /** The quoted value as it appears in the line, or REFUSED (the newer families: their real shells check them, test/shells/quoting-property.test.ts). */
  expect: Partial<Record<Family, string | null>>;
  /** Whether the ini format writes it (`key = value`) or refuses it. */
  ini: boolean;
}

const row = (label: string, value: string, expect: Partial<Record<Family, string | null>>, ini = true): Row => ({
  label,
  value,
  expect,
  ini,
});

const ROWS: Row[] = [
  row('base64 credential', 'wJalr/K7+MDENG=', {
    posix: `'wJalr/K7+MDENG='`,
    fish: `'wJalr/K7+MDENG='`,
    powershell: `'wJalr/K7+MDENG='`,
    cmd: 'wJalr/K7+MDENG=',
    dotenv: 'wJalr/K7+MDENG=',
  }),
  // cmd has no empty variables: `set "NAME="` removes NAME, the closest it has.
  row('empty', '', { posix: `''`, fish: `''`, powershell: `''`, cmd: '', dotenv: '' }, false),
  row('single quote', "it's", {
    posix: `'it'\\''s'`,
    fish: `'it\\'s'`,
    powershell: `'it''s'`,
    cmd: "it's",
    dotenv: "it's",
  }),
  row('double quotes', 'say "hi"', {
    posix: `'say "hi"'`,
    fish: `'say "hi"'`,
    powershell: `'say "hi"'`,
    cmd: REFUSED,
    dotenv: 'say "hi"',
  }),
  row('backticks', 'a`id`b', {
    posix: "'a`id`b'",
    fish: "'a`id`b'",
    powershell: "'a`id`b'",
    cmd: 'a`id`b',
    dotenv: 'a`id`b',
  }),
  row('dollar expansions', '$HOME$(id)${x}', {
    posix: `'$HOME$(id)\${x}'`,
    fish: `'$HOME$(id)\${x}'`,
    powershell: `'$HOME$(id)\${x}'`,
    cmd: '$HOME$(id)${x}',
    dotenv: '$HOME$(id)${x}',
  }),
  row('percent', '100%PATH%', {
    posix: `'100%PATH%'`,
    fish: `'100%PATH%'`,
    powershell: `'100%PATH%'`,
    cmd: REFUSED,
    dotenv: '100%PATH%',
  }),
  row('exclamation marks', 'hi!there!', {
    posix: `'hi!there!'`,
    fish: `'hi!there!'`,
    powershell: `'hi!there!'`,
    cmd: REFUSED,
    dotenv: 'hi!there!',
  }),
  row('caret', 'a^b', { posix: `'a^b'`, fish: `'a^b'`, powershell: `'a^b'`, cmd: REFUSED, dotenv: 'a^b' }),
  row('operators', 'a & b | c < d > e; f (g)', {
    posix: `'a & b | c < d > e; f (g)'`,
    fish: `'a & b | c < d > e; f (g)'`,
    powershell: `'a & b | c < d > e; f (g)'`,
    cmd: 'a & b | c < d > e; f (g)',
    dotenv: 'a & b | c < d > e; f (g)',
  }),
  row(
    'comment and globs',
    'a #b *?[c]~{d,e}',
    {
      posix: `'a #b *?[c]~{d,e}'`,
      fish: `'a #b *?[c]~{d,e}'`,
      powershell: `'a #b *?[c]~{d,e}'`,
      cmd: 'a #b *?[c]~{d,e}',
      dotenv: 'a #b *?[c]~{d,e}',
    },
    false,
  ),
  row(
    'ini comment after a space',
    'key ;x',
    { posix: `'key ;x'`, fish: `'key ;x'`, powershell: `'key ;x'`, cmd: 'key ;x', dotenv: 'key ;x' },
    false,
  ),
  row(
    'leading hash',
    '#start',
    { posix: `'#start'`, fish: `'#start'`, powershell: `'#start'`, cmd: '#start', dotenv: '#start' },
    false,
  ),
  row('hash and semicolon inside a word', 'a#b;c', {
    posix: `'a#b;c'`,
    fish: `'a#b;c'`,
    powershell: `'a#b;c'`,
    cmd: 'a#b;c',
    dotenv: 'a#b;c',
  }),
  row(
    'outer spaces',
    '  lead and trail  ',
    {
      posix: `'  lead and trail  '`,
      fish: `'  lead and trail  '`,
      powershell: `'  lead and trail  '`,
      cmd: '  lead and trail  ',
      dotenv: '  lead and trail  ',
    },
    false,
  ),
  row('tab', 'a\tb', { posix: `'a\tb'`, fish: `'a\tb'`, powershell: `'a\tb'`, cmd: 'a\tb', dotenv: 'a\tb' }),
  row(
    'newline',
    'line1\nline2',
    { posix: `'line1\nline2'`, fish: `'line1\nline2'`, powershell: REFUSED, cmd: REFUSED, dotenv: REFUSED },
    false,
  ),
  row(
    'carriage return',
    'a\rb',
    { posix: `'a\rb'`, fish: `'a\rb'`, powershell: REFUSED, cmd: REFUSED, dotenv: REFUSED },
    false,
  ),
  row(
    'CRLF',
    'a\r\nb',
    { posix: `'a\r\nb'`, fish: `'a\r\nb'`, powershell: REFUSED, cmd: REFUSED, dotenv: REFUSED },
    false,
  ),
  row('NUL', 'a\0b', { posix: REFUSED, fish: REFUSED, powershell: REFUSED, cmd: REFUSED, dotenv: REFUSED }, false),
  row('escape and DEL', 'a\x1bb\x7f', {
    posix: `'a\x1bb\x7f'`,
    fish: `'a\x1bb\x7f'`,
    powershell: `'a\x1bb\x7f'`,
    cmd: REFUSED,
    dotenv: 'a\x1bb\x7f',
  }),
  row('backslashes', 'C:\\dir\\', {
    posix: `'C:\\dir\\'`,
    fish: `'C:\\\\dir\\\\'`,
    powershell: `'C:\\dir\\'`,
    cmd: 'C:\\dir\\',
    dotenv: 'C:\\dir\\',
  }),
  row("fish escape \\'", "\\'", {
    posix: `'\\'\\'''`,
    fish: `'\\\\\\''`,
    powershell: `'\\'''`,
    cmd: "\\'",
    dotenv: "\\'",
  }),
  row("POSIX escape '\\''", "'\\''", {
    posix: `''\\''\\'\\'''\\'''`,
    fish: `'\\'\\\\\\'\\''`,
    powershell: `'''\\'''''`,
    cmd: "'\\''",
    dotenv: "'\\''",
  }),
  row('smart single quotes U+2018..U+201B', 'a\u2018b\u2019c\u201ad\u201be', {
    posix: `'a\u2018b\u2019c\u201ad\u201be'`,
    fish: `'a\u2018b\u2019c\u201ad\u201be'`,
    powershell: `'a\u2018\u2018b\u2019\u2019c\u201a\u201ad\u201b\u201be'`,
    cmd: REFUSED,
    dotenv: 'a\u2018b\u2019c\u201ad\u201be',
  }),
  row('smart quote breakout', '\u2019; Remove-Item x; \u2019', {
    posix: `'\u2019; Remove-Item x; \u2019'`,
    fish: `'\u2019; Remove-Item x; \u2019'`,
    powershell: `'\u2019\u2019; Remove-Item x; \u2019\u2019'`,
    cmd: REFUSED,
    dotenv: '\u2019; Remove-Item x; \u2019',
  }),
  row('smart double quotes U+201C..U+201E', 'a\u201cb\u201dc\u201ed', {
    posix: `'a\u201cb\u201dc\u201ed'`,
    fish: `'a\u201cb\u201dc\u201ed'`,
    powershell: `'a\u201cb\u201dc\u201ed'`,
    cmd: REFUSED,
    dotenv: 'a\u201cb\u201dc\u201ed',
  }),
  row('accented', 'caf\u00e9', {
    posix: `'caf\u00e9'`,
    fish: `'caf\u00e9'`,
    powershell: `'caf\u00e9'`,
    cmd: REFUSED,
    dotenv: 'caf\u00e9',
  }),
  row('non-BMP', 'key\u{1f511}\u{10ffff}', {
    posix: `'key\u{1f511}\u{10ffff}'`,
    fish: `'key\u{1f511}\u{10ffff}'`,
    powershell: `'key\u{1f511}\u{10ffff}'`,
    cmd: REFUSED,
    dotenv: 'key\u{1f511}\u{10ffff}',
  }),
  row('Unicode line separators', 'a\u2028b\u0085c', {
    posix: `'a\u2028b\u0085c'`,
    fish: `'a\u2028b\u0085c'`,
    powershell: `'a\u2028b\u0085c'`,
    cmd: REFUSED,
    dotenv: 'a\u2028b\u0085c',
  }),
  row('option-like', '-e', { posix: `'-e'`, fish: `'-e'`, powershell: `'-e'`, cmd: '-e', dotenv: '-e' }),
];

const NAME = 'AWS_SECRET_ACCESS_KEY';

const normal: CredentialOutput = {
  credentials: {
    accessKeyId: 'ASIAEXAMPLEKEYID1234',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'FwoGZXIvYXdzEBYaDH+token/base64==',
    // Milliseconds are dropped: SDKs and prompts read whole seconds.
    expiration: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
  },
  region: 'eu-west-1',
  profileName: 'work',
};

/** Long-term keys: no token, no expiration, no region. */
const bare: CredentialOutput = {
  credentials: { accessKeyId: 'AKIAEXAMPLEKEYID1234', secretAccessKey: 'secret/key+value=' },
  profileName: 'default',
};

const EXPIRATION = '2026-01-02T03:04:05Z';

function normalLines(family: Family): string {
  const q = (v: string): string =>
    family === 'cmd' || family === 'dotenv' ? v : family === 'nu' ? `"${v}"` : `'${v}'`;
  const set = (name: string, value: string): string => LINE[family](name, q(value));
  return [
    set('AWS_ACCESS_KEY_ID', 'ASIAEXAMPLEKEYID1234'),
    set('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    set('AWS_SESSION_TOKEN', 'FwoGZXIvYXdzEBYaDH+token/base64=='),
    set('AWS_CREDENTIAL_EXPIRATION', EXPIRATION),
    set('AWS_SESSION_EXPIRATION', EXPIRATION),
    set('AWS_REGION', 'eu-west-1'),
    set('AWS_DEFAULT_REGION', 'eu-west-1'),
    set('STSENV_REGION', 'eu-west-1'),
    // Not a role's credentials: the role an earlier stsenv named goes.
    CLEAR[family]('STSENV_ROLE_ARN'),
    // Printed without the init function: an earlier recorded request must not be repeated over these.
    CLEAR[family]('STSENV_REQUEST'),
    CLEAR[family]('STSENV_LABEL'),
    CLEAR[family]('STSENV_EXPIRES_EPOCH'),
    CLEAR[family]('AWS_PROFILE'),
    CLEAR[family]('AWS_DEFAULT_PROFILE'),
    CLEAR[family]('AWS_SECURITY_TOKEN'),
  ].join('');
}

function bareLines(family: Family): string {
  const q = (v: string): string =>
    family === 'cmd' || family === 'dotenv' ? v : family === 'nu' ? `"${v}"` : `'${v}'`;
  return [
    LINE[family]('AWS_ACCESS_KEY_ID', q('AKIAEXAMPLEKEYID1234')),
    LINE[family]('AWS_SECRET_ACCESS_KEY', q('secret/key+value=')),
    // A token or expiry left from an earlier session would be used with the new keys.
    CLEAR[family]('AWS_SESSION_TOKEN'),
    CLEAR[family]('AWS_CREDENTIAL_EXPIRATION'),
    CLEAR[family]('AWS_SESSION_EXPIRATION'),
    CLEAR[family]('STSENV_ROLE_ARN'),
    // Printed without the init function: an earlier recorded request must not be repeated over these.
    CLEAR[family]('STSENV_REQUEST'),
    CLEAR[family]('STSENV_LABEL'),
    CLEAR[family]('STSENV_EXPIRES_EPOCH'),
    CLEAR[family]('AWS_PROFILE'),
    CLEAR[family]('AWS_DEFAULT_PROFILE'),
    CLEAR[family]('AWS_SECURITY_TOKEN'),
  ].join('');
}

/** A role's credentials name the role (STSENV_ROLE_ARN), after the expiration. */
function roleLines(family: Family): string {
  const q = (v: string): string =>
    family === 'cmd' || family === 'dotenv' ? v : family === 'nu' ? `"${v}"` : `'${v}'`;
  const expiration = LINE[family]('AWS_SESSION_EXPIRATION', q(EXPIRATION));
  return normalLines(family)
    .replace(CLEAR[family]('STSENV_ROLE_ARN'), '')
    .replace(expiration, expiration + LINE[family]('STSENV_ROLE_ARN', q(ROLE_ARN)));
}

const ROLE_ARN = 'arn:aws:iam::123456789012:role/deploy';

const UNSET_ORDER = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'STSENV_ROLE_ARN',
  'STSENV_REQUEST',
  'STSENV_LABEL',
  'STSENV_EXPIRES_EPOCH',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'STSENV_REGION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SECURITY_TOKEN',
];

/** The environment of a shell where stsenv set the region (STSENV_REGION says which). */
const REGION_BY_STSENV = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', STSENV_REGION: 'eu-west-1' };

function withSecret(value: string): CredentialOutput {
  return { ...normal, credentials: { ...normal.credentials, secretAccessKey: value } };
}

/** Asserts a refusal: exit 2, naming the variable and format, never quoting the value. */
function assertRefused(fn: () => unknown, variable: string, formatName: string, value: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof StsenvError, `expected StsenvError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.includes(variable), `message names ${variable}: ${error.message}`);
    assert.ok(error.message.includes(formatName), `message names ${formatName}: ${error.message}`);
    if (value !== '') {
      assert.ok(!error.message.includes(value), `message must not contain the value: ${error.message}`);
      assert.ok(!(error.hint ?? '').includes(value), `hint must not contain the value: ${error.hint}`);
    }
    return true;
  });
}

test('the table covers every format in the registry', () => {
  assert.deepEqual(
    FORMATS.map((f) => f.name).filter((name) => !(name in FAMILY)),
    [],
  );
  assert.ok(
    ROWS.every((r) => r.value === '' || r.value.length >= 2),
    'refusal checks need values longer than the character they name',
  );
});

for (const format of FORMATS) {
  const family = FAMILY[format.name]!;

  describe(`${format.name} format`, () => {
    if (format.kind === 'env' && family !== 'json' && family !== 'ini') {
      const env: EnvFormat = format;

      test('normal credentials: exact text, region, expiration, clears', () => {
        const text = renderCredentials(env, normal);
        assert.equal(text, normalLines(family));
        assert.match(text, /2026-01-02T03:04:05Z/);
        if (family === 'cmd')
          assert.equal(text.replaceAll('\r\n', ''), text.replaceAll(/\r?\n/g, ''), 'every line ends in CRLF');
      });

      test('long-term keys: token and expiration cleared, no region', () => {
        assert.equal(renderCredentials(env, bare), bareLines(family));
      });

      test("a role's credentials name the role", () => {
        assert.equal(renderCredentials(env, { ...normal, roleArn: ROLE_ARN }), roleLines(family));
      });

      test('through the init function: the recorded request, its label and the expiry in epoch seconds, after the role', () => {
        const q = (v: string): string =>
          family === 'cmd' || family === 'dotenv' ? v : family === 'nu' ? `"${v}"` : `'${v}'`;
        const role = LINE[family]('STSENV_ROLE_ARN', q(ROLE_ARN));
        const expected = roleLines(family)
          .replace(
            CLEAR[family]('STSENV_REQUEST') + CLEAR[family]('STSENV_LABEL') + CLEAR[family]('STSENV_EXPIRES_EPOCH'),
            '',
          )
          .replace(
            role,
            role +
              LINE[family]('STSENV_REQUEST', q('eyJ2IjoxfQ')) +
              LINE[family]('STSENV_LABEL', q('deploy')) +
              LINE[family]('STSENV_EXPIRES_EPOCH', q('1767323045')),
          );
        assert.equal(
          renderCredentials(env, {
            ...normal,
            roleArn: ROLE_ARN,
            recorded: { request: 'eyJ2IjoxfQ', label: 'deploy' },
          }),
          expected,
        );
      });

      if (family === 'dotenv') {
        test('unset is refused: an env file cannot remove a variable', () => assertUnsetRefused(format));
      } else {
        test('unset clears every variable stsenv sets', () => {
          assert.equal(renderUnset(env, REGION_BY_STSENV), UNSET_ORDER.map((name) => CLEAR[family](name)).join(''));
        });

        test('unset keeps a region stsenv did not set', () => {
          const kept = (names: string[]) =>
            UNSET_ORDER.filter((name) => !names.includes(name))
              .map((name) => CLEAR[family](name))
              .join('');
          // Set by the user (no marker), or changed by the user after stsenv set it.
          assert.equal(
            renderUnset(env, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2' }),
            kept(['AWS_REGION', 'AWS_DEFAULT_REGION']),
          );
          assert.equal(renderUnset(env, { ...REGION_BY_STSENV, AWS_REGION: 'us-west-2' }), kept(['AWS_REGION']));
        });
      }

      for (const { label, value, expect } of ROWS) {
        const quoted = expect[family];
        if (quoted === undefined) continue;
        if (quoted === REFUSED) {
          test(`${label}: refused`, () => {
            assert.notEqual(env.refuse(value), undefined);
            assertRefused(() => renderCredentials(env, withSecret(value)), NAME, env.name, value);
            assertRefused(
              () => renderEnvChange(env, { set: [['AWS_REGION', `x${value}y`]], clear: [] }),
              'AWS_REGION',
              env.name,
              `x${value}y`,
            );
          });
        } else {
          test(`${label}: ${JSON.stringify(LINE[family](NAME, quoted))}`, () => {
            assert.equal(env.refuse(value), undefined);
            assert.equal(renderEnvChange(env, { set: [[NAME, value]], clear: [] }), LINE[family](NAME, quoted));
          });
        }
      }
    }

    if (family === 'json') {
      test('normal credentials: the credential_process document', () => {
        const text = renderCredentials(format, normal);
        assert.equal(
          text,
          '{"Version":1,"AccessKeyId":"ASIAEXAMPLEKEYID1234","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",' +
            `"SessionToken":"FwoGZXIvYXdzEBYaDH+token/base64==","Expiration":"${EXPIRATION}"}\n`,
        );
      });

      test('long-term keys: no SessionToken, no Expiration', () => {
        assert.deepEqual(JSON.parse(renderCredentials(format, bare)), {
          Version: 1,
          AccessKeyId: 'AKIAEXAMPLEKEYID1234',
          SecretAccessKey: 'secret/key+value=',
        });
      });

      test('every value in the table round-trips through JSON.parse', () => {
        for (const { value } of ROWS) {
          const text = renderCredentials(format, withSecret(value));
          assert.equal(text.split('\n').length, 2, 'one line and a newline');
          assert.deepEqual(JSON.parse(text), {
            Version: 1,
            AccessKeyId: 'ASIAEXAMPLEKEYID1234',
            SecretAccessKey: value,
            SessionToken: 'FwoGZXIvYXdzEBYaDH+token/base64==',
            Expiration: EXPIRATION,
          });
        }
      });

      test('unset is refused', () => assertUnsetRefused(format));
    }

    if (family === 'ini') {
      test('normal credentials: section and keys, the expiration as --write-profile writes it', () => {
        const text = renderCredentials(format, normal);
        assert.equal(
          text,
          '[work]\naws_access_key_id = ASIAEXAMPLEKEYID1234\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' +
            'aws_session_token = FwoGZXIvYXdzEBYaDH+token/base64==\naws_credential_expiration = 2026-01-02T03:04:05Z\n',
        );
        // One block: what --write-profile puts in an empty credentials file.
        assert.equal(replaceSection('', 'work', normal.credentials), text);
      });

      test('long-term keys: no aws_session_token', () => {
        assert.equal(
          renderCredentials(format, bare),
          '[default]\naws_access_key_id = AKIAEXAMPLEKEYID1234\naws_secret_access_key = secret/key+value=\n',
        );
      });

      for (const { label, value, ini } of ROWS) {
        test(`${label}: ${ini ? 'written' : 'refused'}`, () => {
          if (ini)
            assert.ok(
              renderCredentials(format, withSecret(value)).split('\n').includes(`aws_secret_access_key = ${value}`),
            );
          else assertRefused(() => renderCredentials(format, withSecret(value)), 'aws_secret_access_key', 'ini', value);
        });
      }

      test('what ini writes, the SDK for JavaScript reads back exactly', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'stsenv-ini-'));
        try {
          const file = join(dir, 'credentials');
          // Every value the format writes, whatever the table says: the reader is the judge.
          for (const { value } of ROWS) {
            let text: string;
            try {
              text = renderCredentials(format, withSecret(value));
            } catch {
              continue;
            }
            writeFileSync(file, text);
            const { credentialsFile } = await loadSharedConfigFiles({
              filepath: file,
              configFilepath: join(dir, 'config'),
              ignoreCache: true,
            });
            assert.deepEqual(
              credentialsFile,
              {
                work: {
                  aws_access_key_id: 'ASIAEXAMPLEKEYID1234',
                  aws_secret_access_key: value,
                  aws_session_token: 'FwoGZXIvYXdzEBYaDH+token/base64==',
                  aws_credential_expiration: EXPIRATION,
                },
              },
              `read back ${JSON.stringify(value)}`,
            );
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      test('profile names that are not a plain section are refused', () => {
        for (const profileName of ['', 'a]b', '[a', ' work', 'work ', 'a\nb', 'a #b', ';a']) {
          assert.throws(
            () => renderCredentials(format, { ...normal, profileName }),
            (e: unknown) => e instanceof StsenvError && e.exitCode === 2,
          );
        }
      });

      test('unset is refused', () => assertUnsetRefused(format));
    }
  });
}

/** renderUnset for a document format: exit 2, naming the format. */
function assertUnsetRefused(format: Format): void {
  assert.throws(
    () => renderUnset(format, {}),
    (error: unknown) => error instanceof StsenvError && error.exitCode === 2 && error.message.includes(format.name),
  );
}

describe('powershell format, read back by pwsh', () => {
  test('every table value it accepts comes back exactly; normal and long-term credentials and unset set and clear what they say', async (t) => {
    if (!requireShellOrSkip(t, 'pwsh')) return;
    const format = FORMATS.find((f) => f.name === 'powershell') as EnvFormat;
    const rows = ROWS.filter((r) => r.expect.powershell !== REFUSED);
    const stale = {
      AWS_PROFILE: 'p',
      AWS_DEFAULT_PROFILE: 'p',
      AWS_SECURITY_TOKEN: 't',
      AWS_SESSION_TOKEN: 'old',
      AWS_REGION: 'old',
    };
    // Each step starts from the same session: only the stale variables of AWS_*.
    const restore = [
      'Get-ChildItem Env:AWS_* | Remove-Item',
      ...Object.entries(stale).map(([name, value]) => `$env:${name} = ${psQuote(value)}`),
    ].join('; ');
    const steps: Array<[text: string, dump: string]> = [
      [renderEnvChange(format, { set: rows.map((r, i) => [`ROW_${i}`, r.value]), clear: [] }), scratchFile('.env', '')],
      [renderCredentials(format, normal), scratchFile('.env', '')],
      [renderCredentials(format, bare), scratchFile('.env', '')],
      [renderUnset(format, REGION_BY_STSENV), scratchFile('.env', '')],
    ];
    const script = steps.map(([text, dump]) =>
      [restore, `& cat ${psQuote(scratchFile('.out', text))} | Invoke-Expression`, pwshDumpEnvCommand(dump)].join('\n'),
    );
    const run = await runPwshScript(script.join('\n'));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const [values, normalEnv, bareEnv, unsetEnv] = steps.map(
      ([, dump]) => new Map([...parseEnvDump(readFileSync(dump))].map(([k, v]) => [k, v.toString('utf8')])),
    );
    for (const [i, r] of rows.entries()) assert.equal(values!.get(`ROW_${i}`), r.value, r.label);
    const expected = {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID1234',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEBYaDH+token/base64==',
      AWS_CREDENTIAL_EXPIRATION: EXPIRATION,
      AWS_SESSION_EXPIRATION: EXPIRATION,
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    };
    const aws = (env: Map<string, string>) => Object.fromEntries([...env].filter(([name]) => name.startsWith('AWS_')));
    assert.deepEqual(aws(normalEnv!), expected);
    assert.deepEqual(aws(bareEnv!), {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEYID1234',
      AWS_SECRET_ACCESS_KEY: 'secret/key+value=',
      AWS_REGION: 'old',
    });
    assert.deepEqual(aws(unsetEnv!), {});
  });
});

describe('what a newcomer reads the output with', () => {
  const dotenv = FORMATS.find((f) => f.name === 'dotenv') as EnvFormat;
  const fish = FORMATS.find((f) => f.name === 'fish') as EnvFormat;

  test('dotenv carries only what it sets: no empty NAME= that docker --env-file would set to the empty string', () => {
    for (const output of [normal, bare, { ...normal, roleArn: ROLE_ARN }]) {
      const lines = renderCredentials(dotenv, output).split('\n').filter(Boolean);
      assert.deepEqual(
        lines.filter((line) => /^[A-Z_]+=$/.test(line)),
        [],
      );
      assert.ok(!lines.some((line) => /^AWS_(DEFAULT_)?PROFILE=|^AWS_SECURITY_TOKEN=/.test(line)));
    }
    assert.match(dotenv.description, /cannot unset/);
  });

  test('a line break refused by cmd or dotenv is not sent to PowerShell, which refuses it too', () => {
    for (const format of ['cmd', 'dotenv']) {
      const env = FORMATS.find((f) => f.name === format) as EnvFormat;
      assert.throws(
        () => renderCredentials(env, withSecret('a\nb')),
        (error: unknown) => {
          assert.ok(error instanceof StsenvError);
          assert.doesNotMatch(error.hint ?? '', /powershell/);
          assert.match(error.hint ?? '', /--shell json/);
          return true;
        },
      );
    }
    // A double quote is one PowerShell can carry: cmd's users on Windows are pointed to it.
    const cmd = FORMATS.find((f) => f.name === 'cmd') as EnvFormat;
    assert.throws(
      () => renderCredentials(cmd, withSecret('a"b')),
      (error: unknown) => error instanceof StsenvError && /powershell/.test(error.hint ?? ''),
    );
  });

  test('fish: `| source` ends with status 0, and `and`/`or` after it go the right way', async (t) => {
    if (!requireShellOrSkip(t, 'fish')) return;
    // Long-term keys clear variables that are not set: `set -e` alone returns 4.
    const out = scratchFile('.fish-out', renderCredentials(fish, bare));
    const unset = scratchFile('.fish-out', renderUnset(fish, {}));
    const script = [
      `cat ${out} | source; echo "status=$status"`,
      `cat ${out} | source; and echo and-ran; or echo or-ran`,
      `cat ${unset} | source; echo "unset=$status"`,
      `cat ${unset} | source; echo "again=$status"`,
    ].join('\n');
    const { runShellScript } = await import('../support/shells.js');
    const run = await runShellScript('fish', script);
    assert.equal(run.stderr.toString(), '');
    assert.equal(run.stdout.toString(), 'status=0\nand-ran\nunset=0\nagain=0\n');
  });
});
