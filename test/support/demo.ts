/**
 * `npm run demo`: stsenv against the bundled loopback STS endpoint, with no
 * AWS account. Prints the lines stsenv gives your shell, then the identity
 * those credentials have (stsenv whoami run with them). It runs in a HOME of
 * its own, removed at the end: nothing of yours is read, and nothing lands in
 * your credential cache or AWS files.
 */
import { startFakeSts } from './fake-sts.js';
import { isolatedEnv, runCli, tempDir } from './run-cli.js';

const ROLE = 'arn:aws:iam::123456789012:role/demo';

async function main(): Promise<number> {
  const fake = await startFakeSts();
  const home = tempDir('stsenv-demo-');
  try {
    // Demo base keys (the fake endpoint accepts any key and remembers what it issues), the cache on as users have it.
    const env = isolatedEnv(home.dir, {
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_REGION: 'eu-west-1',
      STSENV_NO_CACHE: undefined,
      STSENV_SHELL: process.env.STSENV_SHELL,
      SHELL: process.env.SHELL,
    });

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
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: creds.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
        AWS_SESSION_TOKEN: creds.SessionToken,
      },
    });
    process.stdout.write(who.stdout);
    process.stderr.write(who.stderr);
    console.log(
      '\nIn your shell: eval "$(stsenv assume ROLE_ARN)" (bash, zsh, sh), `stsenv assume ROLE_ARN | source` (fish).',
    );
    return who.code ?? 1;
  } finally {
    await fake.close();
    home.cleanup();
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
