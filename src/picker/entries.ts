/**
 * The picker's list: the role profiles of the shared config and credentials
 * files (a role profile has a role_arn: engine/chain.ts), each shown with its
 * role ARN and, when it has one, its region, in columns.
 */
import type { Profiles } from '../config/shared-files.js';
import { isRoleProfile } from '../engine/chain.js';

export interface PickerEntry {
  profile: string;
  /** The line shown, and the one the filter reads. */
  line: string;
}

export function pickerEntries(profiles: Profiles): PickerEntry[] {
  const roles = Object.entries(profiles)
    .filter(([, data]) => isRoleProfile(data))
    .map(([profile, data]) => ({ profile, roleArn: data.role_arn!, region: data.region?.trim() || undefined }))
    .sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0));
  const nameWidth = Math.max(0, ...roles.map((r) => r.profile.length));
  const arnWidth = Math.max(0, ...roles.map((r) => r.roleArn.length));
  return roles.map(({ profile, roleArn, region }) => {
    const line = region === undefined ? `${profile.padEnd(nameWidth)}  ${roleArn}` : `${profile.padEnd(nameWidth)}  ${roleArn.padEnd(arnWidth)}  ${region}`;
    return { profile, line: printable(line) };
  });
}

/** A config file is text, but a control character in it would drive the terminal the list is drawn on. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
