/**
 * `npm run demo`: stsenv against the bundled loopback STS endpoint, with no
 * AWS account. Prints the lines stsenv gives your shell, then the identity
 * those credentials have (stsenv whoami run with them).
 */
import { startFakeSts } from './fake-sts.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, runCli } from './run-cli.js';

const ROLE = 'arn:aws:iam::123456789012:role/demo';

async function main(): Promise<number> {
  const fake = await startFakeSts();
  try {
    // Demo base keys: the fake endpoint accepts any key and remembers what it issues.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: BASE_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: BASE_SECRET_ACCESS_KEY,
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_REGION: 'eu-west-1',
    };
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;

    const command = ['assume', ROLE, '--session-name', 'demo'];
    console.log(`Loopback STS endpoint: ${fake.url}\n`);
    console.log(`$ stsenv ${command.join(' ')}`);
    const lines = await runCli(command, { env });
    process.stdout.write(lines.stdout);
    process.stderr.write(lines.stderr);
    if (lines.code !== 0) return lines.code ?? 1;

    const json = await runCli([...command, '--shell', 'json'], { env });
    if (json.code !== 0) {
      process.stderr.write(json.stderr);
      return json.code ?? 1;
    }
    const creds = JSON.parse(json.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    console.log('\n$ stsenv whoami   # with the credentials above');
    const who = await runCli(['whoami'], {
      env: { ...env, AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey, AWS_SESSION_TOKEN: creds.SessionToken },
    });
    process.stdout.write(who.stdout);
    process.stderr.write(who.stderr);
    console.log('\nIn your shell: eval "$(stsenv assume ROLE_ARN)" (bash, zsh, sh), `stsenv assume ROLE_ARN | source` (fish).');
    return who.code ?? 1;
  } finally {
    await fake.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
