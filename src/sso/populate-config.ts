/**
 * The config file's text after `stsenv sso populate`: one `[profile NAME]`
 * section per grant, each marked as populate's by `stsenv_populate = SOURCE`
 * (the sso-session's name, or the legacy start URL), a key the AWS CLI and
 * the SDKs ignore and keep. Only sections with this run's mark are ever
 * changed or removed; in them only the keys populate writes are touched,
 * so a key added by hand (`output = json`) stays. Every other line (other
 * sections, comments, blank lines, line endings) is kept byte for byte, and
 * a run that changes nothing gives the same text. Pure: text in, text out.
 */

export const MARK_KEY = 'stsenv_populate';
const WRITTEN_KEYS = new Set([
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'region',
  MARK_KEY,
]);
const SECTION = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const KEY_LINE = /^\s*([^=\s#;[][^=]*?)\s*=\s*(.*?)\s*$/;

export interface WantedSection {
  name: string;
  /** The keys in the order they are written; the mark is added last. */
  entries: ReadonlyArray<readonly [string, string]>;
}

export interface PopulateChange {
  added: string[];
  updated: string[];
  removed: string[];
  /** Sections of this source no longer granted, left because --prune was not given. */
  stale: string[];
  unchanged: string[];
}

interface Section {
  /** The profile name, for `[profile NAME]` and `[default]`; undefined for other sections. */
  profile?: string;
  start: number;
  end: number;
  mark?: string;
}

function profileOf(header: string): string | undefined {
  if (header === 'default') return 'default';
  const match = /^profile\s+(.+)$/.exec(header);
  return match?.[1]?.trim();
}

function sections(lines: readonly string[]): Section[] {
  const found: Section[] = [];
  lines.forEach((line, i) => {
    const header = SECTION.exec(line)?.[1];
    if (header === undefined) return;
    const last = found[found.length - 1];
    if (last) last.end = i;
    found.push({ profile: profileOf(header), start: i, end: lines.length });
  });
  for (const section of found) {
    for (const line of lines.slice(section.start + 1, section.end)) {
      const match = KEY_LINE.exec(line);
      if (match?.[1] === MARK_KEY) section.mark = match[2];
    }
  }
  return found;
}

function split(text: string): { lines: string[]; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return { lines, eol };
}

/** Profile names in the file that populate must not take for `source`: every profile without its mark. */
export function takenNames(text: string, source: string): Set<string> {
  const { lines } = split(text);
  return new Set(
    sections(lines)
      .filter((s) => s.profile !== undefined && s.mark !== source)
      .map((s) => s.profile!),
  );
}

/** The section body with the wanted keys: a key already right keeps its line, a wrong one is rewritten in place, a missing one goes after the last key. */
function updateBody(body: readonly string[], entries: ReadonlyArray<readonly [string, string]>): string[] {
  const wanted = new Map(entries);
  const out: string[] = [];
  const written = new Set<string>();
  let lastKey = -1;
  for (const line of body) {
    const match = KEY_LINE.exec(line);
    const key = match?.[1];
    if (key !== undefined && WRITTEN_KEYS.has(key)) {
      if (wanted.has(key) && !written.has(key)) {
        out.push(match![2] === wanted.get(key) ? line : `${key} = ${wanted.get(key)}`);
        written.add(key);
        lastKey = out.length - 1;
      }
      continue; // a repeat, or a key this grant no longer has
    }
    out.push(line);
    if (key !== undefined) lastKey = out.length - 1;
  }
  out.splice(
    lastKey + 1,
    0,
    ...entries.filter(([key]) => !written.has(key)).map(([key, value]) => `${key} = ${value}`),
  );
  return out;
}

export function populateConfig(
  text: string,
  source: string,
  wanted: readonly WantedSection[],
  prune: boolean,
): { text: string; change: PopulateChange } {
  const { lines, eol } = split(text);
  const change: PopulateChange = { added: [], updated: [], removed: [], stale: [], unchanged: [] };
  const byName = new Map(wanted.map((w) => [w.name, [...w.entries, [MARK_KEY, source] as const]]));
  const ours = sections(lines).filter((s) => s.profile !== undefined && s.mark === source);
  const seen = new Set<string>();
  const out: string[] = [];
  let at = 0;
  for (const section of ours) {
    out.push(...lines.slice(at, section.start));
    at = section.end;
    const name = section.profile!;
    const entries = byName.get(name);
    if (!entries || seen.has(name)) {
      if (prune) {
        change.removed.push(name);
        continue;
      }
      change.stale.push(name);
      out.push(...lines.slice(section.start, section.end));
      continue;
    }
    seen.add(name);
    const body = lines.slice(section.start + 1, section.end);
    // Blank lines and comments that end the section stay where they are.
    let tail = body.length;
    while (tail > 0 && (body[tail - 1]!.trim() === '' || /^\s*[#;]/.test(body[tail - 1]!))) tail--;
    const updated = updateBody(body.slice(0, tail), entries);
    const next = [lines[section.start]!, ...updated, ...body.slice(tail)];
    const same =
      next.length === section.end - section.start && next.every((line, i) => line === lines[section.start + i]);
    (same ? change.unchanged : change.updated).push(name);
    out.push(...next);
  }
  out.push(...lines.slice(at));
  // A section removed from the end leaves the blank line that stood before it: no more blank lines at the end than before.
  const trailingBlanks = (list: readonly string[]) =>
    list.length - 1 - list.findLastIndex((line) => line.trim() !== '');
  while (change.removed.length > 0 && out.length > 0 && trailingBlanks(out) > trailingBlanks(lines)) out.pop();
  for (const { name } of wanted) {
    if (seen.has(name)) continue;
    if (out.length > 0 && out[out.length - 1]!.trim() !== '') out.push('');
    out.push(`[profile ${name}]`, ...byName.get(name)!.map(([key, value]) => `${key} = ${value}`));
    change.added.push(name);
  }
  const changed = change.added.length + change.updated.length + change.removed.length > 0;
  return { text: changed ? (out.length ? out.join(eol) + eol : '') : text, change };
}
