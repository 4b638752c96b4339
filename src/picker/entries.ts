/**
 * The picker's list: the role profiles of the shared config and credentials
 * files (a role profile has a role_arn: engine/chain.ts), each shown with its
 * role ARN and, when it has one, its region, in columns.
 */
import type { Profiles } from '../config/shared-files.js';
import { isRoleProfile } from '../engine/chain.js';
import { printable } from '../text/printable.js';

export interface PickerEntry {
  profile: string;
  /** The line shown, and the one the filter reads. */
  line: string;
}

export function pickerEntries(profiles: Profiles): PickerEntry[] {
  const roles = Object.entries(profiles)
    .filter(([, data]) => isRoleProfile(data))
    .map(([profile, data]) => ({ profile, name: printable(profile), roleArn: printable(data.role_arn!), region: printable(data.region?.trim() ?? '') || undefined }))
    .sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0));
  const nameWidth = Math.max(0, ...roles.map((r) => r.name.length));
  const arnWidth = Math.max(0, ...roles.map((r) => r.roleArn.length));
  // A config file is text, but a control character in it would drive the terminal the list is drawn on.
  return roles.map(({ profile, name, roleArn, region }) => {
    const line = region === undefined ? `${name.padEnd(nameWidth)}  ${roleArn}` : `${name.padEnd(nameWidth)}  ${roleArn.padEnd(arnWidth)}  ${region}`;
    return { profile, line };
  });
}
