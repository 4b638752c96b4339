import { type CommandSpec, connectionOptions, EXAMPLE_ROLE, mfaOptions, sessionNameOption } from '../cli/options.js';
import { cacheOptions } from '../cache/options.js';
import type { ConsoleOptions } from '../console/run-console.js';
import { promptOption } from '../mfa/prompt.js';
import { assumeRequestOptions } from './assume.js';

export const consoleCommand: CommandSpec = {
  command: 'console [role-arn]',
  describe: 'Open the AWS console signed in with a role, a profile or the current credentials',
  builder: (y) =>
    promptOption(cacheOptions(mfaOptions(assumeRequestOptions(sessionNameOption(connectionOptions(y))))))
      .positional('role-arn', { type: 'string', describe: 'Role to sign in as (default: role_arn of --profile, else the current credentials)' })
      .option('duration', { alias: 'd', type: 'string', describe: 'Console session: 15m to 12h (SessionDuration); with long-term keys GetFederationToken\'s, 15m to 36h (default 1h)' })
      .option('url', { type: 'boolean', describe: 'Print the sign-in URL on stdout instead of opening a browser' })
      .option('destination', { type: 'string', describe: 'Console page to open: a path such as s3/home, or a console URL' })
      .option('signin-url', { type: 'string', describe: 'Federation endpoint (default: the partition\'s, https://signin.aws.amazon.com/federation)' })
      .example(`stsenv console ${EXAMPLE_ROLE}`, 'The console as the role, in your browser')
      .example('stsenv console --profile prod-admin --region eu-west-1 --destination s3/home', 'S3 in eu-west-1 as a role profile')
      .example('stsenv console --url', 'The current credentials; the sign-in URL on stdout')
      .epilogue(
        'Long-term keys sign in as a federated user (GetFederationToken, with your user\'s permissions). ' +
          'Without a display, or with CI set, the URL is printed on stdout. The URL signs anyone in for 15 minutes: keep it to yourself.',
      ),
  run: async (argv, ctx) => (await import('../console/run-console.js')).runConsole(argv as unknown as ConsoleOptions, ctx),
};
