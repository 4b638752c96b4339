/**
 * stsenv reads the shared files with a parser of its own (one pass, each
 * section parsed only when asked for: src/config/ini-sections.ts), and must
 * see exactly what the SDK's loader sees, refuse exactly the lines the AWS
 * CLI refuses, and hand the SDK excerpts it reads the same way. Held here to
 * the SDK's own loader and to a line-by-line statement of the refusal rules,
 * over generated files full of the corners of the format.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  externalDataInterceptor,
  loadSharedConfigFiles,
  loadSsoSessionData,
  parseKnownFiles,
} from '@smithy/core/config';
import { checkLines, checkWhole, IniSections } from '../../src/config/ini-sections.js';
import { sharedConfig } from '../../src/config/shared-files.js';
import { StsenvError } from '../../src/errors.js';
import { tempDir } from '../support/run-cli.js';

const scratch = tempDir('stsenv-ini-');
after(() => scratch.cleanup());

/** The refusal rules, one line at a time, as stsenv first wrote them. */
function referenceMalformed(text: string): { line: number; why: string } | undefined {
  let inSection = false;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const content = raw.split(/(?:^|\s)[;#]/)[0]!.trim();
    if (content === '') continue;
    const line = index + 1;
    if (content.startsWith('[')) {
      if (!content.endsWith(']')) return { line, why: 'a section header without its closing ]' };
      inSection = true;
      continue;
    }
    if (/^\s/.test(raw)) continue;
    if (!inSection) return { line, why: 'a setting before any [section] header' };
    if (content.search(/[=:]/) <= 0) return { line, why: "neither a [section] header nor 'key = value'" };
  }
  return undefined;
}

const HEADERS = [
  '[default]',
  '[profile default]',
  '[profile a]',
  '[profile "b"]',
  "[profile 'c']",
  '[ profile a ]',
  '[profile  a]',
  '[profile\ta]',
  '[profile.a]',
  '[a]',
  '[b]',
  '[sso-session s]',
  '[sso-session.s]',
  '[sso-session t]',
  '[services v]',
  '[plugins x]',
  '[profile a] # note',
  '[profile b] ;note',
  '[profile a]#x]',
  '  [profile b]',
  '[profile a b]',
  '[profile constructor]',
  '[constructor]',
  '[1]',
  '[profile 2]',
  '[profile sso-session.s]',
  '[b=c]',
  '[]',
  '[profile x@y.z/w:1%]',
  '\t[b]  ',
  '[profile x+y]',
  '[profile a.b]',
  '[profile a]]',
  '[a b]',
  '[x+y]',
];
const SETTINGS = [
  'region = us-east-1',
  'region=eu-west-1',
  'role_arn = arn:aws:iam::123456789012:role/x',
  'source_profile = a',
  'source_profile = b',
  'sso_session = s',
  'sso_session = t',
  'services = v',
  'key = value # comment',
  'key = value#kept',
  'key = ; comment',
  'key =',
  's3 =',
  '  max_concurrent_requests = 10',
  '  nested = x',
  '\tinner = y',
  'key: value',
  'a=b=c',
  'k = v ;c',
  'k =#v',
  'k =;v',
  'x = 1',
  'sso_start_url = https://example.awsapps.com/start',
  'aws_access_key_id = AKIDEXAMPLE',
  'aws_secret_access_key = se/cret+',
  '__proto__ = polluted',
  'constructor = c',
  'name with space = v',
  '\u00a0k = nbsp',
  '\ufeffk = bom',
  'k = \u00a0',
  'k\t=\tv\t',
  '# comment',
  '; comment',
  '  # indented comment',
  '',
  '   ',
  'endpoint_url = http://127.0.0.1:1',
  '  = indented equals',
];
const BAD = ['bad line', 'bad', '=x', ':x', '[profile broken', '[', 'x ; = 1', 'word # = 2', '[profile a] x'];
const RARE = ['[profile __proto__]', '[__proto__]'];

/** A seeded generator, so that a failure can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function generate(seed: number, badRate: number): string {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const lines: string[] = [];
  if (next() < 0.2) lines.push(pick(['# top comment', '', '; top', '  ']));
  // Most files start with a header, as real ones do; a few with a setting (refused).
  lines.push(next() < 0.05 ? pick(SETTINGS) : pick(HEADERS));
  const count = 1 + Math.floor(next() * 30);
  for (let i = 0; i < count; i++) {
    const r = next();
    lines.push(r < badRate ? pick(BAD) : r < 0.003 ? pick(RARE) : r < 0.3 ? pick(HEADERS) : pick(SETTINGS));
  }
  const eol = next() < 0.3 ? '\r\n' : '\n';
  let text = lines.join(eol);
  if (next() < 0.5) text += eol;
  if (next() < 0.05) text = text.replace('\n', '\r');
  if (next() < 0.05) text = `\n${text}`;
  return text;
}

let files = 0;
/** A run's view of these files, read through stsenv's own path (sharedConfig). */
function stsenvView(config: string, credentials: string) {
  const dir = scratch.dir;
  const configPath = join(dir, `config-${++files}`);
  const credentialsPath = join(dir, `credentials-${files}`);
  writeFileSync(configPath, config);
  writeFileSync(credentialsPath, credentials);
  return {
    env: { AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath },
    configPath,
    credentialsPath,
  };
}

/** What the SDK's loader makes of the texts, given to it through its own hook (no file is read). */
async function sdkView(config: string, credentials: string) {
  const configFilepath = `/nonexistent/stsenv-sdk-config-${++files}`;
  const filepath = `/nonexistent/stsenv-sdk-credentials-${files}`;
  externalDataInterceptor.interceptFile(configFilepath, config);
  externalDataInterceptor.interceptFile(filepath, credentials);
  return {
    profiles: (await parseKnownFiles({ configFilepath, filepath })) as Record<string, Record<string, string>>,
    sessions: (await loadSsoSessionData({ configFilepath })) as Record<string, Record<string, string>>,
    /** The config file alone, where the SDK looks up [services] sections. */
    configFile: (await loadSharedConfigFiles({ configFilepath, filepath })).configFile as Record<
      string,
      Record<string, string>
    >,
  };
}

/** Objects compared with their key order, which completion shows. */
function ordered(value: Record<string, Record<string, string | undefined>>) {
  return Object.entries(value).map(([name, data]) => [name, Object.entries(data)]);
}

describe('the shared files as the SDK reads them', () => {
  test('the refused lines are the line-by-line rules exactly, both ways of checking', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const text = generate(seed, 0.05);
      const expected = referenceMalformed(text);
      const where = `seed ${seed}: ${JSON.stringify(text)}`;
      assert.deepEqual(new IniSections(text).malformed, expected, where);
      // A small file is checked a line at a time, a large one by patterns over the whole text.
      assert.deepEqual(checkLines(`\n${text}`), expected, where);
      assert.deepEqual(checkWhole(`\n${text}`), expected, where);
    }
  });

  test('a large file is checked as a small one, its line numbers too', () => {
    const filler = Array.from({ length: 2000 }, (_, i) => `[profile f${i}]\nregion = eu-west-1\n`).join('');
    assert.ok(filler.length > 32 * 1024);
    for (let seed = 1; seed <= 300; seed++) {
      const text = `${filler}${generate(seed, 0.05)}`;
      const expected = referenceMalformed(text);
      assert.deepEqual(new IniSections(text).malformed, expected, `seed ${seed}`);
      // A setting before any header cannot follow the filler: the reference says what the rest says.
      if (expected) assert.notEqual(expected.why, 'a setting before any [section] header');
    }
  });

  test("profiles, their order and sso-sessions are the loader's", async () => {
    let compared = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const config = generate(seed, 0);
      const credentials = generate(seed + 100_000, 0);
      if (referenceMalformed(config) || referenceMalformed(credentials)) continue;
      compared++;
      const { env } = stsenvView(config, credentials);
      const ours = sharedConfig(env);
      const sdk = await sdkView(config, credentials);
      const where = `seed ${seed}: ${JSON.stringify(config)} / ${JSON.stringify(credentials)}`;
      assert.deepEqual(ordered(ours.allProfiles()), ordered(sdk.profiles), where);
      assert.deepEqual(ordered(ours.allSsoSessions()), ordered(sdk.sessions), where);
      for (const name of [
        ...Object.keys(sdk.profiles),
        'a',
        'default',
        'nope',
        'constructor',
        '__proto__',
        'toString',
        'x+y',
        'a.b',
        'a]',
        '.*',
      ]) {
        assert.deepEqual(
          ours.profile(name),
          Object.hasOwn(sdk.profiles, name) ? sdk.profiles[name] : undefined,
          `${where} profile ${name}`,
        );
      }
      assert.deepEqual(
        ours.profileNames(),
        Object.keys(sdk.profiles).filter((name) => !/^(?:sso-session|services)\./.test(name)),
        where,
      );
    }
    assert.ok(compared > 500, `only ${compared} well-formed files were generated`);
  });

  test('the SDK given the excerpts for a profile sees that profile, its chain and sessions as in the whole files', async () => {
    for (let seed = 1; seed <= 800; seed++) {
      const config = generate(seed, 0);
      const credentials = generate(seed + 200_000, 0);
      if (referenceMalformed(config) || referenceMalformed(credentials)) continue;
      const { env, configPath, credentialsPath } = stsenvView(config, credentials);
      const whole = await sdkView(config, credentials);
      for (const start of [['a'], ['default'], ['b', 'default'], ['2']]) {
        const excerpts = sharedConfig(env).sdkFiles(start);
        assert.deepEqual(
          excerpts.map((e) => e.path),
          [configPath, credentialsPath],
        );
        const cut = await sdkView(excerpts[0]!.text, excerpts[1]!.text);
        const where = `seed ${seed} ${start.join(',')}: ${JSON.stringify(config)} / ${JSON.stringify(credentials)}`;
        const pending = [...start];
        const seen = new Set<string>();
        for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
          if (seen.has(name)) continue;
          seen.add(name);
          const data = Object.hasOwn(whole.profiles, name) ? whole.profiles[name] : undefined;
          assert.deepEqual(
            Object.hasOwn(cut.profiles, name) ? cut.profiles[name] : undefined,
            data,
            `${where}: profile ${name}`,
          );
          if (data?.source_profile) pending.push(data.source_profile);
          if (data?.sso_session)
            assert.deepEqual(
              cut.sessions[data.sso_session],
              whole.sessions[data.sso_session],
              `${where}: sso-session of ${name}`,
            );
          if (data?.services)
            assert.deepEqual(
              cut.configFile[`services.${data.services}`],
              whole.configFile[`services.${data.services}`],
              `${where}: services of ${name}`,
            );
        }
      }
    }
  });

  test('a malformed file is refused with its line, at every use in the run', () => {
    const { env } = stsenvView('[profile ok]\nregion = eu-west-1\n\n[profile dev\nregion = us-east-1\n', '');
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => sharedConfig(env),
        (error: unknown) =>
          error instanceof StsenvError &&
          error.exitCode === 2 &&
          /AWS config file '.*config-\d+' is malformed at line 4: a section header without its closing \]/.test(
            error.message,
          ),
      );
    }
  });

  test('100,000 lines: one profile is found without parsing the others', () => {
    const lines: string[] = ['[profile base]', 'region = us-east-1'];
    for (let i = 0; i < 20_000; i++)
      lines.push(
        `[profile p${i}]`,
        `role_arn = arn:aws:iam::123456789012:role/r${i}`,
        'source_profile = base',
        'region = eu-west-1',
        '',
      );
    const { env } = stsenvView(lines.join('\n'), '[base]\naws_access_key_id = AKIDEXAMPLE\n');
    const files = sharedConfig(env);
    assert.deepEqual(files.profile('p19999'), {
      role_arn: 'arn:aws:iam::123456789012:role/r19999',
      source_profile: 'base',
      region: 'eu-west-1',
    });
    assert.deepEqual(files.profile('base'), { region: 'us-east-1', aws_access_key_id: 'AKIDEXAMPLE' });
    assert.equal(files.profileNames().length, 20_001);
    // Every profile at once (the picker) in one pass over the headers, not a search per profile.
    const all = files.allProfiles();
    assert.equal(Object.keys(all).length, 20_001);
    assert.equal(all.p12345?.role_arn, 'arn:aws:iam::123456789012:role/r12345');
    const [excerpt] = files.sdkFiles(['p7']);
    assert.equal(
      excerpt!.text,
      '[profile base]\nregion = us-east-1\n[profile p7]\nrole_arn = arn:aws:iam::123456789012:role/r7\nsource_profile = base\nregion = eu-west-1\n\n',
    );
  });
});

describe('profile names from plain headers (what a Tab after --profile reads)', () => {
  // Headers of the forms listed without a look at each section, and a few that are not.
  const PLAIN_CONFIG = [
    '[default]',
    '[profile default]',
    '[profile a]',
    '[profile b]',
    '[profile 2]',
    '[profile x@y.z/w:1%]',
    '[profile a.b]',
    '[profile constructor]',
    '[profile sso-session.s]',
    '[sso-session s]',
    '[services v]',
  ];
  const PLAIN_CREDENTIALS = [
    '[default]',
    '[a]',
    '[b]',
    '[1]',
    '[constructor]',
    '[toString]',
    '[x+y]',
    '[b=c]',
    '[sso-session.s]',
    '[a\u009bb]',
  ];
  const VALUES = ['region = us-east-1', 'region=eu-west-1', 'k =#v', 'k\t=\tv\t', 'key = value # comment', 'a=b=c'];
  const NO_VALUE = ['key =', 's3 =', 'key = ; comment', '# comment', '', 'key: value'];

  function plainFile(seed: number, headers: readonly string[]): string {
    const next = random(seed);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const lines: string[] = [];
    const sections = 1 + Math.floor(next() * 12);
    for (let i = 0; i < sections; i++) {
      // Now and then a header of another form, or a section whose first line gives no value: then every header is looked at.
      lines.push(next() < 0.03 ? pick(HEADERS) : pick(headers));
      lines.push(next() < 0.03 ? pick(NO_VALUE) : pick(VALUES));
      if (next() < 0.3) lines.push(pick(VALUES));
    }
    const eol = next() < 0.2 ? '\r\n' : '\n';
    return lines.join(eol) + (next() < 0.5 ? eol : '');
  }

  test("the names, their order and duplicates are the loader's, whichever way they were read", async () => {
    let plain = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const config = plainFile(seed, PLAIN_CONFIG);
      const credentials = next(seed) ? plainFile(seed + 300_000, PLAIN_CREDENTIALS) : '';
      if (referenceMalformed(config) || referenceMalformed(credentials)) continue;
      if (
        new IniSections(config).plainProfileNames('config') &&
        new IniSections(credentials).plainProfileNames('credentials')
      )
        plain++;
      const { env } = stsenvView(config, credentials);
      const sdk = await sdkView(config, credentials);
      const where = `seed ${seed}: ${JSON.stringify(config)} / ${JSON.stringify(credentials)}`;
      assert.deepEqual(
        sharedConfig(env).profileNames(),
        Object.keys(sdk.profiles).filter((name) => !/^(?:sso-session|services)\./.test(name)),
        where,
      );
    }
    assert.ok(plain > 500, `only ${plain} files were read by their plain headers`);
  });

  function next(seed: number): boolean {
    return random(seed + 400_000)() < 0.7;
  }
});
