/**
 * How the picker filters, as granted's profile picker does
 * (fwdcloudsec/granted, pkg/assume/assume.go, `filterMultiToken`): the text
 * typed is split at spaces, and a line is kept when every part appears in it
 * somewhere, case ignored, in any order. So `prod admin` finds
 * `prod-admin` and `admin-prod`, and `dev eu-west` finds every dev role in
 * eu-west-1 or eu-west-2, since the line holds the name, the role ARN and the
 * region. Nothing typed keeps every line.
 */
export function matchesFilter(typed: string, line: string): boolean {
  const text = line.toLowerCase();
  return typed
    .toLowerCase()
    .split(/\s+/)
    .every((part) => text.includes(part));
}
