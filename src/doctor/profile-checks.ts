/**
 * Every profile's references, followed as the engine follows them
 * (src/config/profiles.ts: source_profile, credential_source, role_arn,
 * mfa_serial, duration_seconds, loops), its sso_session, and role chains
 * asking for more than the hour AWS allows a role assumed with another
 * role's credentials.
 */
import { profileSource, type Profiles } from '../config/shared-files.js';
import { isRoleProfile, resolveChain } from '../engine/index.js';
import { StsenvError } from '../errors.js';
import { note, ok, problem, type Finding } from './findings.js';

/** AWS caps a role session assumed with role credentials (role chaining) at one hour, whatever the role allows. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;

const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];

function chainFindings(profiles: Profiles, name: string): Finding[] {
  const topic = `profile '${name}'`;
  let chain: ReturnType<typeof resolveChain>;
  try {
    chain = resolveChain(profileSource(profiles), name);
  } catch (error) {
    if (error instanceof StsenvError)
      return [problem(topic, error.hint ? `${error.message} (${error.hint})` : error.message)];
    throw error;
  }
  const findings: Finding[] = [];
  chain.hops.forEach((hop, index) => {
    // The first hop is signed by the root's credentials; every later one by the role before it.
    if (index === 0 || hop.durationSeconds === undefined || hop.durationSeconds <= CHAINED_ROLE_MAX_SECONDS) return;
    const path = chain.hops
      .slice(0, index + 1)
      .map((h) => h.profile)
      .join(' -> ');
    findings.push(
      problem(
        `profile '${hop.profile}'`,
        `duration_seconds = ${hop.durationSeconds}, but it is assumed with another role's credentials (${path}), which AWS allows 1 hour at most: AssumeRole fails; set duration_seconds = ${CHAINED_ROLE_MAX_SECONDS} or less`,
      ),
    );
  });
  return findings;
}

export function profileFindings(profiles: Profiles, ssoSessions: Profiles): Finding[] {
  const findings: Finding[] = [];
  const names = Object.keys(profiles).sort();
  if (names.length === 0) return [note('profiles', 'the AWS config and credentials files define no profile')];
  for (const name of names) {
    const data = profiles[name]!;
    const topic = `profile '${name}'`;
    const before = findings.length;
    if (data.credential_source && !CREDENTIAL_SOURCES.includes(data.credential_source)) {
      findings.push(
        problem(topic, `credential_source = ${data.credential_source} is none of ${CREDENTIAL_SOURCES.join(', ')}`),
      );
    } else if (data.credential_source && data.credential_source !== 'Environment') {
      findings.push(
        note(
          topic,
          `credential_source = ${data.credential_source}: the AWS CLI reads it; stsenv supports Environment only`,
        ),
      );
    }
    if (data.sso_session !== undefined) {
      const session = Object.hasOwn(ssoSessions, data.sso_session) ? ssoSessions[data.sso_session] : undefined;
      if (!session)
        findings.push(
          problem(
            topic,
            `sso_session = ${data.sso_session} names no [sso-session ${data.sso_session}] section in the config file`,
          ),
        );
      else if (!session.sso_start_url || !session.sso_region)
        findings.push(
          problem(
            topic,
            `[sso-session ${data.sso_session}] lacks ${!session.sso_start_url ? 'sso_start_url' : 'sso_region'}`,
          ),
        );
    }
    if (data.aws_access_key_id && !data.aws_secret_access_key)
      findings.push(problem(topic, 'has aws_access_key_id but no aws_secret_access_key'));
    if (data.aws_secret_access_key && !data.aws_access_key_id)
      findings.push(problem(topic, 'has aws_secret_access_key but no aws_access_key_id'));
    if (isRoleProfile(data)) findings.push(...chainFindings(profiles, name));
    else if (data.source_profile !== undefined)
      findings.push(note(topic, 'has source_profile but no role_arn: the source is not used'));
    if (findings.length === before) findings.push(ok(topic, describeProfile(data)));
  }
  return findings;
}

/** What a sound profile gives, in a few words. */
function describeProfile(data: Profiles[string]): string {
  if (data.saml_assertion_process) return `the role ${data.role_arn} with SAML`;
  if (data.role_arn)
    return `the role ${data.role_arn}${data.source_profile ? ` from profile '${data.source_profile}'` : data.credential_source ? ` from ${data.credential_source}` : ''}`;
  if (data.sso_session || data.sso_start_url) return 'IAM Identity Center';
  if (data.credential_process) return 'credential_process';
  if (data.aws_access_key_id) return `keys (access key ${data.aws_access_key_id})`;
  if (data.web_identity_token_file) return 'web identity';
  return 'settings only (no credentials)';
}
