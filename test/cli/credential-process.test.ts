/**
 * `--shell json` as a credential_process, used by the real AWS CLI
 * v2 (Debian's awscli at /usr/bin/aws; the `aws` on PATH may be v1) against
 * the loopback STS.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BASE_ACCESS_KEY_ID, CLI, isolatedEnv } from '../support/run-cli.js';
import { useStsFixture } from '../support/sts-fixture.js';

const AWS_CLI_V2 = '/usr/bin/aws';
const ROLE = 'arn:aws:iam::123456789012:role/from-process';

const sts = useStsFixture();

function awsCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(AWS_CLI_V2, args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('aws sts get-caller-identity --profile P answers with the role stsenv assumed as credential_process', async (t) => {
  if (!existsSync(AWS_CLI_V2)) return t.skip('AWS CLI v2 is not installed at /usr/bin/aws (apt-get install awscli)');
  mkdirSync(join(sts.home.dir, '.aws'));
  writeFileSync(
    join(sts.home.dir, '.aws', 'config'),
    `[profile via-stsenv]\nregion = us-east-1\ncredential_process = ${process.execPath} ${CLI} assume ${ROLE} --session-name from-aws-cli --endpoint-url ${sts.fake.url} --shell json\n`,
  );
  // The CLI itself reaches the fake with --endpoint-url; stsenv signs with the base keys in the environment.
  const env = isolatedEnv(sts.home.dir, {
    STSENV_NO_CACHE: undefined,
    AWS_SHARED_CREDENTIALS_FILE: join(sts.home.dir, '.aws', 'credentials'),
  });
  const run = await awsCli(
    ['sts', 'get-caller-identity', '--profile', 'via-stsenv', '--endpoint-url', sts.fake.url, '--output', 'json'],
    env,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).Arn, 'arn:aws:sts::123456789012:assumed-role/from-process/from-aws-cli');
  const issued = sts.fake.issued[0]!;
  assert.deepEqual(
    sts.fake.requests.map((r) => [r.action, r.accessKeyId]),
    [
      ['AssumeRole', BASE_ACCESS_KEY_ID],
      ['GetCallerIdentity', issued.accessKeyId],
    ],
  );
  // A second CLI run: stsenv answers from its cache, STS sees only the CLI's own call.
  const again = await awsCli(
    ['sts', 'get-caller-identity', '--profile', 'via-stsenv', '--endpoint-url', sts.fake.url, '--output', 'json'],
    env,
  );
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    sts.fake.requests.map((r) => r.action),
    ['AssumeRole', 'GetCallerIdentity', 'GetCallerIdentity'],
  );
  assert.equal(sts.fake.requests[2]!.accessKeyId, issued.accessKeyId);
});
