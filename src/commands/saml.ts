import type { CommandSpec, OptionTable, OptionValues } from './spec.js';
import type { Context } from '../context.js';
import { deliver, planDelivery } from '../delivery.js';
import { durationFor } from '../duration.js';
import { resolveCredentials, type SamlRequest } from '../engine/index.js';
import { usageError } from '../errors.js';
import { checkPolicyArns } from '../validate.js';
import {
  CACHE_OPTIONS,
  CONNECTION_OPTIONS,
  durationOption,
  OUTPUT_OPTIONS,
  PROMPT_OPTION,
  WRITE_PROFILE_OPTION,
} from './option-groups.js';
import { cacheSettings, connectionRequest, readPolicy } from './requests.js';

const EXAMPLE_SAML_ROLE = 'arn:aws:iam::123456789012:role/Admin';
const EXAMPLE_PROVIDER = 'arn:aws:iam::123456789012:saml-provider/Okta';

// No --profile: AssumeRoleWithSAML is signed by nobody; the assertion is the identity.
const { profile: _signedOnly, ...SAML_CONNECTION_OPTIONS } = CONNECTION_OPTIONS;

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...SAML_CONNECTION_OPTIONS,
  ...durationOption('1h'),
  policy: { type: 'string', describe: 'Session policy: JSON text, or @FILE' },
  'policy-arn': { type: 'string', repeatable: true, describe: 'Managed session policy ARN (repeatable)' },
  'assertion-file': {
    type: 'string',
    describe: 'File holding the base64 SAML response, - for standard input (required)',
  },
  'principal-arn': {
    type: 'string',
    describe: 'ARN of the SAML provider in IAM (default: the one the assertion pairs with the role)',
  },
  role: {
    type: 'string',
    describe:
      "Which of the assertion's roles: its ARN or its name (default: the only one; several, on a terminal: pick)",
  },
  ...CACHE_OPTIONS,
  ...PROMPT_OPTION,
  ...WRITE_PROFILE_OPTION,
} as const satisfies OptionTable;

export type SamlOptions = OptionValues<typeof OPTIONS> & { roleArn?: string };

/**
 * AssumeRoleWithSAML with an assertion from a file or standard input: the
 * reading and the choice of role are a feature bundle's (src/saml/), the
 * credentials the engine's, delivered as `assume` delivers them.
 */
export async function runSaml(options: SamlOptions, ctx: Context): Promise<number> {
  const delivery = await planDelivery(options, ctx);
  if (options.assertionFile === undefined) {
    throw usageError(
      'saml needs --assertion-file FILE (or - for standard input)',
      'the assertion is never an argument: every local user could read it in the process list',
    );
  }
  const durationSeconds = durationFor('AssumeRoleWithSAML', options.duration ?? '1h');
  const policy = options.policy !== undefined ? readPolicy(options.policy) : undefined;
  const policyArns = options.policyArn?.length ? checkPolicyArns(options.policyArn) : undefined;
  const cache = cacheSettings(options);
  const { readAssertionFile, chooseSamlRole } = await import('../saml/read-saml.js');
  const assertion = readAssertionFile(options.assertionFile);
  let choice = chooseSamlRole(assertion, {
    roleArn: options.roleArn,
    role: options.role,
    principalArn: options.principalArn,
  });
  if (choice.kind === 'ask') {
    const roles = choice.roles;
    const listed = roles.map((r) => r.roleArn).join(', ');
    if (options.prompt === false)
      throw usageError(
        `the SAML assertion grants ${roles.length} roles and --no-prompt is set`,
        `pass --role with one of: ${listed}`,
      );
    const { pickSamlRole } = await import('../picker/pick-profile.js');
    const picked = await pickSamlRole(
      roles.map((r) => r.roleArn),
      ctx,
    );
    if (picked.kind === 'cancelled') return picked.exitCode;
    if (picked.kind === 'no-terminal')
      throw usageError(
        `the SAML assertion grants ${roles.length} roles and there is no terminal to pick one on`,
        `pass --role with one of: ${listed}`,
      );
    choice = { kind: 'chosen', role: roles.find((r) => r.roleArn === picked.roleArn)! };
  }
  const request: SamlRequest = {
    kind: 'saml',
    roleArn: choice.role.roleArn,
    principalArn: choice.role.principalArn,
    assertion: assertion.base64,
    durationSeconds,
    policy,
    policyArns,
    connection: connectionRequest(options),
    cache,
  };
  const result = await resolveCredentials(request, ctx);
  await deliver(delivery, result, ctx);
  return 0;
}

export const samlCommand: CommandSpec<SamlOptions> = {
  name: 'saml',
  describe:
    'Assume a role with a SAML assertion from your identity provider (AssumeRoleWithSAML); needs no base credentials',
  positionals: [{ name: 'role-arn', describe: 'Role to assume (default: --role, or the role the assertion grants)' }],
  options: OPTIONS,
  shellLines: true,
  examples: [
    [
      `eval "$(stsenv saml ${EXAMPLE_SAML_ROLE} --principal-arn ${EXAMPLE_PROVIDER} --assertion-file saml.b64)"`,
      'The assertion from a file',
    ],
    ['stsenv saml --role Admin --assertion-file - --shell json < saml.b64', 'From standard input, the role by name'],
  ],
  epilogue: 'A profile can start a role chain from SAML: saml_assertion_process and saml_principal_arn (see README).',
  run: runSaml,
};
