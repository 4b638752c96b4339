/**
 * The shared config and credentials files read line by line, as written:
 * what the SDKs' loaders merge away or read differently from what the
 * person meant. A profile or key written twice (the later one silently
 * wins), an indented line (the AWS CLI reads it as part of the value above
 * it), stray whitespace in a section or key name, a line that is no
 * `key = value`, a section the file's kind ignores, and keys no tool knows
 * (a near miss of a known key is a problem; any other unknown key a note,
 * since other tools add keys of their own). Values are never shown.
 */
import { distance } from 'fastest-levenshtein';
import { note, problem, type Finding } from './findings.js';

/** Keys the AWS CLI and SDKs read, the ones aws-vault and granted add that stsenv also reads, and stsenv's own. */
export const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'region',
  'output',
  'role_arn',
  'source_profile',
  'credential_source',
  'external_id',
  'mfa_serial',
  'role_session_name',
  'duration_seconds',
  'web_identity_token_file',
  'credential_process',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'aws_account_id',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'sso_registration_scopes',
  'login_session',
  'ca_bundle',
  'cli_pager',
  'cli_timestamp_format',
  'cli_follow_urlparam',
  'cli_binary_format',
  'cli_auto_prompt',
  'cli_history',
  'parameter_validation',
  'tcp_keepalive',
  'max_attempts',
  'retry_mode',
  'endpoint_url',
  'ignore_configured_endpoint_urls',
  'services',
  'use_dualstack_endpoint',
  'use_fips_endpoint',
  'sts_regional_endpoints',
  's3',
  'ec2_metadata_service_endpoint',
  'ec2_metadata_service_endpoint_mode',
  'ec2_metadata_v1_disabled',
  'metadata_service_timeout',
  'metadata_service_num_attempts',
  'defaults_mode',
  'api_versions',
  'account_id_endpoint_mode',
  'request_checksum_calculation',
  'response_checksum_validation',
  'sigv4a_signing_region_set',
  'disable_request_compression',
  'request_min_compression_size_bytes',
  'sdk_ua_app_id',
  'auth_scheme_preference',
  'mfa_process',
  'saml_assertion_process',
  'saml_principal_arn',
]);

const SECTION = /^\s*\[(.*)\]\s*(?:[#;].*)?$/;
const KEY_LINE = /^(\s*)([^=]*?)\s*=(.*)$/;
const COMMENT = /^\s*(?:[#;].*)?$/;

interface Section {
  kind: 'profile' | 'sso-session' | 'other';
  name: string;
  line: number;
  keys: Map<string, number>;
}

/** The profile or section a header names, per the file's kind; a problem when the file's readers ignore it. */
function readHeader(
  inner: string,
  fileKind: 'config' | 'credentials',
  where: string,
  findings: Finding[],
): Section['kind'] | undefined {
  const normal = inner.trim().replace(/\s+/g, ' ');
  if (normal !== inner)
    findings.push(problem('config', `${where}: section [${inner}] has stray whitespace: write [${normal}]`));
  if (fileKind === 'credentials') {
    if (normal.startsWith('profile '))
      findings.push(
        problem(
          'config',
          `${where}: [${normal}] in the credentials file names a profile called '${normal}': write [${normal.slice(8)}]`,
        ),
      );
    return 'profile';
  }
  if (normal === 'default' || normal.startsWith('profile ')) return 'profile';
  if (normal.startsWith('sso-session ')) return 'sso-session';
  if (/^(services|plugins|preview|toplevel) ?/.test(normal)) return 'other';
  findings.push(
    problem(
      'config',
      `${where}: [${normal}] in the config file is read by no AWS CLI or SDK: write [profile ${normal}]`,
    ),
  );
  return undefined;
}

function sectionName(inner: string, kind: Section['kind']): string {
  const normal = inner.trim().replace(/\s+/g, ' ');
  if (kind === 'profile') return normal.replace(/^profile /, '');
  return normal.replace(/^sso-session /, '');
}

/** Findings about one file's text; `path` names it in each line. */
export function lintSharedFile(text: string, path: string, fileKind: 'config' | 'credentials'): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, Section>();
  let current: Section | undefined;
  /** The last key's value was empty: indented lines under it are its nested settings (s3 = ...). */
  let nesting = false;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const where = `${path} line ${index + 1}`;
    if (COMMENT.test(line)) return;
    const header = SECTION.exec(line);
    if (header) {
      const inner = header[1]!;
      const kind = readHeader(inner, fileKind, where, findings);
      nesting = false;
      lastKey = undefined;
      if (!kind) {
        current = undefined;
        return;
      }
      const id = `${kind}:${sectionName(inner, kind)}`;
      const earlier = seen.get(id);
      if (earlier && kind !== 'other') {
        findings.push(
          problem(
            'config',
            `${where}: [${inner.trim()}] is written twice in ${path} (first on line ${earlier.line}): their keys are merged, the later value winning; keep one`,
          ),
        );
        current = earlier;
      } else {
        current = { kind, name: sectionName(inner, kind), line: index + 1, keys: new Map() };
        seen.set(id, current);
      }
      return;
    }
    const pair = KEY_LINE.exec(line);
    if (!pair) {
      findings.push(problem('config', `${where}: not a 'key = value' line, a [section] or a comment`));
      return;
    }
    const [, indent, rawKey] = pair;
    const key = rawKey!;
    if (indent!.length > 0) {
      if (nesting) return;
      findings.push(
        problem(
          'config',
          `${where}: '${key.trim()}' is indented: the AWS CLI reads it as part of the value of '${lastKey ?? '?'}' above it; remove the leading whitespace`,
        ),
      );
      return;
    }
    nesting = pair[3]!.trim() === '';
    lastKey = key.trim();
    if (!current) return;
    if (/\s/.test(key.trim()) || /[^\x21-\x7e]/.test(key)) {
      findings.push(
        problem(
          'config',
          `${where}: the key '${key}' has stray whitespace or a character no tool reads: write ${key.trim().replace(/\s+/g, '_')}`,
        ),
      );
      return;
    }
    if (current.kind === 'other') return;
    const earlier = current.keys.get(key);
    if (earlier !== undefined)
      findings.push(
        problem(
          'config',
          `${where}: ${key} is set twice in [${current.kind === 'profile' ? current.name : `sso-session ${current.name}`}] (first on line ${earlier}): the later value wins; keep one`,
        ),
      );
    current.keys.set(key, index + 1);
    if (!KNOWN_KEYS.has(key)) {
      const near = [...KNOWN_KEYS].find((known) => distance(key, known) <= Math.max(1, Math.floor(known.length / 6)));
      if (near) findings.push(problem('config', `${where}: unknown key '${key}': did you mean ${near}?`));
      else findings.push(note('config', `${where}: key '${key}' is not one the AWS CLI, the SDKs or stsenv read`));
    }
  });
  return findings;
}
