/**
 * One shared config or credentials file, read in one pass over its text:
 * where each [section] is, and the first line the AWS CLI would refuse. A
 * section's settings are parsed only when a run asks for that section, so a
 * run that names one profile costs the same with 3 profiles or 30,000. The
 * pass is a few regular expressions over the whole text (native code),
 * never JavaScript per line: cold code runs slowly, and shells start
 * stsenv at every prompt.
 *
 * What a section holds is what the SDK's loader makes of it
 * (@smithy/core/config: parseIni, getConfigData, mergeConfigFiles), so that
 * stsenv sees what the SDKs see: test/ini-sections.test.ts holds the two to
 * the same answers.
 */

/** One section's keys (config and credentials merged, when it is a profile). */
export type SectionData = Record<string, string | undefined>;

export interface MalformedLine {
  /** 1-based, as editors count. */
  line: number;
  why: string;
}

interface Section {
  /** The loader's name for it: `dev` for [dev], `profile.dev` for [profile dev]; undefined when the loader skips it. */
  key: string | undefined;
  /** Offset of its header line. */
  start: number;
  /** Offset of the line break after the header (its body follows). */
  bodyStart: number;
  /** Offset of the line break before the next header, or the end of the text. */
  end: number;
}

/** The section types the loader keeps with their prefix ([profile x], [sso-session x], [services x]). */
const SECTION_TYPES = new Set(['profile', 'sso-session', 'services']);
const PREFIXED = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;
/** Names the loader refuses: it then reads the whole file as empty. */
const BLOCKED = new Set(['__proto__', 'profile __proto__']);
/** A comment: `#` or `;` at the start of a line or after white space. */
const COMMENT = /(?:^|\s)[;#]/;

/**
 * Each line that matters, in order: a header (any line whose first
 * character after white space is `[`: group 1 from that `[`), or a setting
 * line that is not indented and has no `=` or `:` before its comment
 * (group 2). Every other line is a setting, a comment, blank, or the
 * indented continuation of a setting. Lines are split at `\n` alone, as the
 * loader splits them (a `\r` before it is white space).
 */
const SCAN = /(?:^|\n)(?:[^\S\n]*(\[[^\n]*)|([=:]|[^\s[#;=:](?:[^\s=:]|[^\S\n](?![;#]))*(?=[^\S\n][;#]|\n|$)))/g;
/** Before any header: a line that is neither blank nor a comment. */
const SETTING_LINE = /(?:^|\n)[^\s#;]/;
/** A line the loader takes a value from: `key = value` with a value before any comment. */
const VALUE_LINE = /(?:^|\n)[^\S\n]*[^\s=#;](?:[^\s=]|[^\S\n](?![;#]))*=(?:[^\S\n]*[^\s;#]|[;#])/;

/** Where the line a match of `(?:^|\n)...` begins. */
function lineStart(match: RegExpExecArray): number {
  return match[0].charCodeAt(0) === 10 ? match.index + 1 : match.index;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The loader's name for a section header's content (`[...]`); undefined: skipped; null: a name it refuses. */
function sectionKey(content: string): string | undefined | null {
  const name = content.slice(1, -1);
  if (BLOCKED.has(name)) return null;
  const prefixed = PREFIXED.exec(name);
  if (!prefixed) return name;
  return SECTION_TYPES.has(prefixed[1]!) ? `${prefixed[1]}.${prefixed[3]}` : undefined;
}

/**
 * Settings of one section body, as the loader reads them into `into`: a
 * setting with an empty value opens nested settings (`s3 =` then indented
 * `max_concurrent_requests = 10`, kept as `s3.max_concurrent_requests`).
 */
function parseBody(body: string, into: SectionData | undefined): SectionData | undefined {
  let nested: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.split(COMMENT)[0]!.trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === '') {
      nested = name;
      continue;
    }
    if (nested !== undefined && raw.trimStart() === raw) nested = undefined;
    into ??= {};
    into[nested !== undefined ? `${nested}.${name}` : name] = value;
  }
  return into;
}

export class IniSections {
  /** The first line the AWS CLI would refuse, if any. */
  readonly malformed: MalformedLine | undefined;
  private readonly sections: Section[] = [];
  private readonly byKey = new Map<string, Section[]>();
  private readonly parsed = new Map<string, SectionData | undefined>();

  constructor(private readonly text: string) {
    this.malformed = this.scan();
    // The loader gives up on the whole file at a name it refuses.
    if (this.sections.some((s) => s.key === null)) {
      this.sections.length = 0;
      this.byKey.clear();
    }
  }

  /** Finds the sections and the first malformed line, in one pass; stops at a malformed line (the run fails there). */
  private scan(): MalformedLine | undefined {
    const { text, sections } = this;
    SCAN.lastIndex = 0;
    let previous: Section | undefined;
    for (let found = SCAN.exec(text); found; found = SCAN.exec(text)) {
      const start = lineStart(found);
      if (!previous) {
        // Lines before the first header may hold comments only.
        const early = SETTING_LINE.exec(text.slice(0, start));
        if (early) return { line: lineOf(text, lineStart(early)), why: 'a setting before any [section] header' };
      }
      const rest = found[1];
      if (rest === undefined) {
        const why = previous ? "neither a [section] header nor 'key = value'" : 'a setting before any [section] header';
        return { line: lineOf(text, start), why };
      }
      const content = (rest.includes('#') || rest.includes(';') ? rest.split(COMMENT)[0]! : rest).trimEnd();
      if (!content.endsWith(']')) return { line: lineOf(text, start), why: 'a section header without its closing ]' };
      const lineEnd = text.indexOf('\n', start);
      const section: Section = { key: sectionKey(content) as string | undefined, start, bodyStart: lineEnd === -1 ? text.length : lineEnd, end: text.length };
      if (previous) previous.end = start - 1;
      previous = section;
      sections.push(section);
      // The loader's object never holds a name its prototype has (a section [constructor] is lost in it).
      if (section.key && !(section.key in Object.prototype)) {
        const list = this.byKey.get(section.key);
        if (list) list.push(section);
        else this.byKey.set(section.key, [section]);
      }
    }
    if (!previous) {
      const early = SETTING_LINE.exec(text);
      if (early) return { line: lineOf(text, lineStart(early)), why: 'a setting before any [section] header' };
    }
    return undefined;
  }

  private hasValue(section: Section): boolean {
    return VALUE_LINE.test(this.text.slice(section.bodyStart, section.end));
  }

  /**
   * The settings of every section the loader files under `key`, merged in
   * file order; undefined when none has a setting (the loader then has no
   * such section at all).
   */
  values(key: string): SectionData | undefined {
    if (this.parsed.has(key)) return this.parsed.get(key);
    let data: SectionData | undefined;
    for (const section of this.byKey.get(key) ?? []) data = parseBody(this.text.slice(section.bodyStart + 1, section.end), data);
    this.parsed.set(key, data);
    return data;
  }

  /** The loader's names of the sections that have settings, in the order its object holds them. */
  keys(): string[] {
    const order: Record<string, true> = {};
    for (const section of this.sections) {
      if (section.key && this.byKey.has(section.key) && !Object.hasOwn(order, section.key) && this.hasValue(section)) order[section.key] = true;
    }
    return Object.keys(order);
  }

  /**
   * The lines of the sections filed under `keys`, headers included, in file
   * order: what the loader reads from this file for those sections and
   * nothing else, so that it makes the same of them.
   */
  excerpt(keys: ReadonlySet<string>): string {
    return this.sections
      .filter((s) => s.key !== undefined && keys.has(s.key))
      .map((s) => `${this.text.slice(s.start, s.end)}\n`)
      .join('');
  }
}
