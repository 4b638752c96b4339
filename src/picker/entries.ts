/**
 * The picker's list: the role profiles of the shared config and credentials
 * files (a role profile has a role_arn: config/profiles.ts), each shown with its
 * role ARN, and the SSO profiles (an account and a role of IAM Identity
 * Center, as `stsenv sso populate` writes them), each shown with its account
 * and role, and, when it has one, its region, in columns.
 */
import type { Profiles } from '../config/shared-files.js';
import { isRoleProfile } from '../config/profiles.js';
import { printable } from '../text/printable.js';

export interface PickerEntry {
  profile: string;
  /** An SSO profile: its own credentials are what the person picked, not a role to assume with them. */
  sso: boolean;
  /** The line shown, and the one the filter reads. */
  line: string;
}

export function pickerEntries(profiles: Profiles): PickerEntry[] {
  const roles = Object.entries(profiles)
    .filter(([, data]) => isRoleProfile(data) || isSsoRoleProfile(data))
    .map(([profile, data]) => {
      const sso = !isRoleProfile(data);
      const roleArn = sso ? `SSO ${data.sso_account_id!.trim()} ${data.sso_role_name!.trim()}` : data.role_arn!;
      return {
        profile,
        sso,
        name: printable(profile),
        roleArn: printable(roleArn),
        region: printable(data.region?.trim() ?? '') || undefined,
      };
    })
    .sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0));
  const nameWidth = Math.max(0, ...roles.map((r) => r.name.length));
  const arnWidth = Math.max(0, ...roles.map((r) => r.roleArn.length));
  // A config file is text, but a control character in it would drive the terminal the list is drawn on.
  return roles.map(({ profile, sso, name, roleArn, region }) => {
    const line =
      region === undefined
        ? `${name.padEnd(nameWidth)}  ${roleArn}`
        : `${name.padEnd(nameWidth)}  ${roleArn.padEnd(arnWidth)}  ${region}`;
    return { profile, sso, line };
  });
}

/** An account and role of IAM Identity Center, in either format (sso_session, or sso_start_url in the profile). */
function isSsoRoleProfile(data: Profiles[string]): boolean {
  return Boolean(
    data.sso_account_id?.trim() &&
      data.sso_role_name?.trim() &&
      (data.sso_session?.trim() || data.sso_start_url?.trim()),
  );
}
