/**
 * The set-up of the SSO tests: the fake STS and the fake IAM Identity Center
 * (fake-sso.ts, polling interval 0 so a sign-in takes no waiting), a fresh
 * HOME for every test with an AWS config file holding both SSO formats, and
 * the environment that points the SDKs at the fakes.
 */
import { after, before, beforeEach } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSso, type FakeSso } from './fake-sso.js';
import { startFakeSts, type FakeSts } from './fake-sts.js';
import { isolatedEnv, tempDir } from './run-cli.js';

export const START_URL = 'https://corp.awsapps.com/start';
export const LEGACY_START_URL = 'https://legacy.awsapps.com/start';
export const SSO_ACCOUNT = '111122223333';

export const SSO_CONFIG = `[profile modern]
sso_session = corp
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Admin
region = eu-west-1

[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = ${LEGACY_START_URL}
sso_region = us-east-2
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = ReadOnly

[profile deploy]
role_arn = arn:aws:iam::${SSO_ACCOUNT}:role/deploy
source_profile = modern

[profile plain]
aws_access_key_id = AKIDPLAINEXAMPLE0001
aws_secret_access_key = plain/secret/EXAMPLE0000000000000000000
`;

export interface SsoFixture {
  sts: FakeSts;
  sso: FakeSso;
  home: { dir: string; cleanup: () => void };
  /** The environment of a run: the fakes, this test's HOME, no AWS keys. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cacheDir(): string;
  /** The token file of an sso-session name or a legacy start URL. */
  tokenFile(id: string): string;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function useSsoFixture(): SsoFixture {
  const fixture = {} as SsoFixture;
  before(async () => {
    fixture.sts = await startFakeSts();
    fixture.sso = await startFakeSso({ interval: 0 });
  });
  beforeEach(() => {
    fixture.sts.reset();
    fixture.sso.reset();
    fixture.home?.cleanup();
    fixture.home = tempDir('stsenv-sso-');
    mkdirSync(join(fixture.home.dir, '.aws'), { recursive: true });
    writeFileSync(join(fixture.home.dir, '.aws', 'config'), SSO_CONFIG);
  });
  after(async () => {
    await fixture.sts?.close();
    await fixture.sso?.close();
    fixture.home?.cleanup();
  });
  fixture.env = (extra = {}) =>
    isolatedEnv(fixture.home.dir, {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: fixture.sts.url,
      AWS_ENDPOINT_URL_SSO: fixture.sso.url,
      AWS_ENDPOINT_URL_SSO_OIDC: fixture.sso.url,
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
      ...extra,
    });
  fixture.cacheDir = () => join(fixture.home.dir, '.aws', 'sso', 'cache');
  fixture.tokenFile = (id) => join(fixture.cacheDir(), `${sha1(id)}.json`);
  return fixture;
}
