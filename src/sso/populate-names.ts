/**
 * The profile names `stsenv sso populate` gives, from a template such as
 * `{account_name}.{role_name}` (the default). The rule that makes a name
 * safe for the config file, for shells and for every tool that reads it:
 *
 * 1. letters with accents lose them (Unicode NFKD, combining marks dropped);
 * 2. every character other than A-Z a-z 0-9 . _ - becomes `-` (spaces,
 *    quotes, brackets, `=`, `#`, `;`, `/`, other scripts, control characters);
 * 3. runs of `-` become one; `-` and `.` are trimmed from both ends;
 * 4. steps 1 to 3 apply to each value put into the template, then to the
 *    whole name;
 * 5. an account name left empty (say, all in another script) stands for
 *    the account id; a whole name left empty, or `default`, is
 *    `{account_id}.{role_name}`.
 *
 * Two grants that come out with the same name are told apart, never merged:
 * each gets `.{account_id}` appended, then, if they still collide (two roles
 * of one account whose names differ only in what the rule removed), `.2`,
 * `.3`... in the order of account id and role name. A name a hand-written
 * profile already has is a collision too. The order is fixed, so the same
 * grants give the same names at every run.
 */
import { usageError } from '../errors.js';

export const DEFAULT_TEMPLATE = '{account_name}.{role_name}';
export const PLACEHOLDERS = ['account_name', 'account_id', 'role_name', 'sso_session', 'email'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface Grant {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roleName: string;
}

/** Refuses a template that names an unknown placeholder or none at all. */
export function checkTemplate(template: string): string {
  const named = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  const unknown = named.find((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown !== undefined)
    throw usageError(
      `unknown placeholder {${unknown}} in --template`,
      `use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
    );
  if (!named.includes('role_name') || !(named.includes('account_name') || named.includes('account_id'))) {
    throw usageError(
      `--template '${template}' must contain {role_name} and {account_name} or {account_id}`,
      `such as ${DEFAULT_TEMPLATE}`,
    );
  }
  return template;
}

/** Rule steps 1 to 3. */
export function safeName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Each value made safe on its own (so its ends are trimmed where it sits), then the whole name. */
function render(template: string, values: Record<Placeholder, string>): string {
  return safeName(template.replace(/\{([a-z_]+)\}/g, (_, name: Placeholder) => safeName(values[name])));
}

/**
 * The name of each grant, keyed by `accountId/roleName`. `taken`: names that
 * belong to profiles populate does not manage.
 */
export function profileNames(
  grants: readonly Grant[],
  template: string,
  sessionLabel: string,
  taken: ReadonlySet<string>,
): Map<string, string> {
  const sorted = [...grants].sort((a, b) =>
    a.accountId === b.accountId
      ? a.roleName < b.roleName
        ? -1
        : a.roleName > b.roleName
          ? 1
          : 0
      : a.accountId < b.accountId
        ? -1
        : 1,
  );
  const first = new Map<string, string>();
  for (const grant of sorted) {
    let name = render(template, {
      account_name: safeName(grant.accountName) || grant.accountId,
      account_id: grant.accountId,
      role_name: grant.roleName,
      sso_session: sessionLabel,
      email: grant.emailAddress ?? '',
    });
    if (name === '' || name === 'default') name = safeName(`${grant.accountId}.${grant.roleName}`) || grant.accountId;
    first.set(key(grant), name);
  }
  const counts = new Map<string, number>();
  for (const name of first.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const result = new Map<string, string>();
  const used = new Set<string>(taken);
  for (const grant of sorted) {
    let name = first.get(key(grant))!;
    if (counts.get(name)! > 1 || taken.has(name)) name = `${name}.${grant.accountId}`;
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name}.${n}`;
    used.add(candidate);
    result.set(key(grant), candidate);
  }
  return result;
}

export function key(grant: Pick<Grant, 'accountId' | 'roleName'>): string {
  return `${grant.accountId}/${grant.roleName}`;
}
