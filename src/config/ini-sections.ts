/**
 * One shared config or credentials file, read only as far as a run needs:
 * a run that names one profile finds that profile's sections without
 * looking at the others, so it costs the same with 3 profiles or 30,000.
 * Everything that goes over the whole text is a regular expression (native
 * code, a few milliseconds for 100,000 lines), never JavaScript per line:
 * shells start stsenv at every prompt, and its code always runs cold.
 *
 * What a section holds is what the SDK's loader makes of it
 * (@smithy/core/config: parseIni, getConfigData, mergeConfigFiles), so that
 * stsenv sees what the SDKs see; which lines are refused is the AWS CLI's
 * rule. test/unit/ini-sections.test.ts holds both to their line-by-line
 * statements over generated files.
 */

/** One section's keys (config and credentials merged, when it is a profile). */
export type SectionData = Record<string, string | undefined>;

export interface MalformedLine {
  /** 1-based, as editors count. */
  line: number;
  why: string;
}

interface Section {
  /** Offset of the line break before its header line. */
  start: number;
  /** Offset of the line break after the header line (the body follows), or the end of the text. */
  bodyStart: number;
  /** Offset of the line break before the next header line, or the end of the text. */
  end: number;
}

/** The section types the loader keeps with their prefix ([profile x], [sso-session x], [services x]). */
const SECTION_TYPES = new Set(['profile', 'sso-session', 'services']);
/** A comment: `#` or `;` at the start of a line or after white space. */
const COMMENT = /(?:^|\s)[;#]/;

// The text is searched with a line break put before it, so that every line starts after a `\n`.
// Lines are split at `\n` alone, as the loader splits them (a `\r` before it is white space).

/** A header line: its first character after white space is `[`. */
const HEADER = /\n[^\S\n]*\[/g;
/** What follows the `[` of a header the AWS CLI accepts: `]` ends what is left before a comment. */
const HEADER_END = String.raw`(?:[^\s]|[^\S\n](?![;#]))*\][^\S\n]*(?:(?<=\s)[;#][^\n]*)?(?:\n|$)`;
/**
 * After the first header, the first line the AWS CLI refuses: a header
 * without its closing `]` (group 1 is set), or a line that is not indented
 * and has no `=` or `:` before its comment. Made on first use (a large
 * file's check): a pattern made with new RegExp is parsed when it is made.
 */
let malformed: RegExp | undefined;
const malformedPattern = () =>
  (malformed ??= new RegExp(
    String.raw`\n(?:[^\S\n]*\[(?!${HEADER_END})()|[=:]|[^\s[#;=:](?:[^\s=:]|[^\S\n](?![;#]))*(?=[^\S\n][;#]|\n|$))`,
    'g',
  ));
/** Before the first header: a line that is neither blank nor a comment. */
const SETTING = /\n[^\s#;]/;
/** A header whose name the loader refuses: it then reads the whole file as empty. */
const REFUSED_NAME = /\n[^\S\n]*\[(?:profile )?__proto__\][^\S\n]*(?:(?<=\s)[;#][^\n]*)?(?:\n|$)/;
/** A header line followed at once by a line the loader takes a value from (VALUE_LINE). */
const HEADER_WITH_VALUE = /\n[^\S\n]*\[[^\n]*\n[^\S\n]*[^\s=#;[](?:[^\s=]|[^\S\n](?![;#]))*=(?:[^\S\n]*[^\s;#]|[;#])/g;
/** Every header line, whole (group 1). */
const HEADER_LINES = /\n([^\S\n]*\[[^\n]*)/g;
/** A line the loader takes a value from: `key = value` with a value before any comment. */
const VALUE_LINE = /\n[^\S\n]*[^\s=#;](?:[^\s=]|[^\S\n](?![;#]))*=(?:[^\S\n]*[^\s;#]|[;#])/;

/**
 * The plain forms of header nearly every file has, each followed at once by
 * a setting (VALUE_LINE): a config file's `[profile NAME]` (the characters
 * the loader's name takes), its `[default]`, its `[sso-session NAME]` and
 * `[services NAME]` (no profiles, with or without a setting); a credentials
 * file's `[NAME]`. `notPlain` finds a header of any other form; `header`
 * finds the headers that name profiles, as `\n[profile NAME` or `\n[NAME`,
 * whose matches joined give the names with no JavaScript per section.
 */
const AFTER_HEADER = String.raw`(?=\][^\S\n]*\n[^\S\n]*[^\s=#;[](?:[^\s=]|[^\S\n](?![;#]))*=(?:[^\S\n]*[^\s;#]|[;#]))`;
const NAME = String.raw`[\w\-@+.%:/]+`;
const CREDENTIALS_NAME = String.raw`[^\s[\]#;"']+`;
/** Built on first use (a Tab after --profile): a pattern made with new RegExp is parsed when it is made, and most runs never use these. */
let plainForms: Record<'config' | 'credentials', { notPlain: RegExp; header: RegExp; prefix: RegExp }> | undefined;
function plainFormsOf(file: 'config' | 'credentials') {
  plainForms ??= {
    config: {
      notPlain: new RegExp(
        String.raw`\n(?!\[profile ${NAME}${AFTER_HEADER}|\[default${AFTER_HEADER}|\[(?:sso-session|services) ${NAME}\][^\S\n]*(?:\n|$))[^\S\n]*\[`,
      ),
      header: new RegExp(String.raw`\n\[profile ${NAME}${AFTER_HEADER}`, 'g'),
      prefix: /\n\[profile /g,
    },
    credentials: {
      notPlain: new RegExp(String.raw`\n(?!\[${CREDENTIALS_NAME}${AFTER_HEADER})[^\S\n]*\[`),
      header: new RegExp(String.raw`\n\[${CREDENTIALS_NAME}${AFTER_HEADER}`, 'g'),
      prefix: /\n\[/g,
    },
  };
  return plainForms[file];
}

/**
 * The header lines that may be those of a section named `name`: every line
 * whose first character after white space is `[`, and in which `name` comes
 * after it, followed by `]` (or by a quote and `]`, looked for only when
 * `quoted`), in file order, each with the offset of the line break before
 * it. Found with plain string searches for the name and its closing: a
 * regular expression over the whole text costs a millisecond per name in a
 * 15,000-line file, interpreted, as a run's every expression is once; the
 * name alone is in every `source_profile = NAME`; and each search is one
 * more pass over the text.
 */
function candidateHeaders(text: string, name: string, quoted: boolean): Array<{ index: number; line: string }> {
  const found: Array<{ index: number; line: string }> = [];
  if (name === '') return found;
  for (const closing of quoted ? [']', '"]', "']"] : [']']) {
    const needle = name + closing;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      const lineStart = text.lastIndexOf('\n', at);
      const bracket = text.indexOf('[', lineStart + 1);
      // Only white space before the `[` (no line break: the line starts after lineStart).
      if (bracket === -1 || bracket >= at || text.slice(lineStart + 1, bracket).trim() !== '') continue;
      let lineEnd = text.indexOf('\n', at + needle.length);
      if (lineEnd === -1) lineEnd = text.length;
      // One line counts once, whatever the number of times the name is in it.
      if (found.some((header) => header.index === lineStart)) continue;
      found.push({ index: lineStart, line: text.slice(lineStart + 1, lineEnd) });
    }
  }
  return found.length > 1 ? found.sort((a, b) => a.index - b.index) : found;
}

/** The loader's name for a header line; undefined when it skips the section. */
function sectionKey(line: string): string | undefined {
  const content = (line.includes('#') || line.includes(';') ? line.split(COMMENT)[0]! : line).trim();
  const name = content.slice(1, -1);
  const prefixed = typeAndName(name);
  // [] names no section: the loader reads no setting after it.
  if (!prefixed) return name || undefined;
  return SECTION_TYPES.has(prefixed[0]) ? `${prefixed[0]}.${prefixed[1]}` : undefined;
}

/** `\w` without the u flag, and `-`: what a section type is made of. */
function isTypeChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_' || ch === '-';
}

/** What the loader's name after a section type is made of. */
function isNameChar(ch: string): boolean {
  return isTypeChar(ch) || ch === '@' || ch === '+' || ch === '.' || ch === '%' || ch === ':' || ch === '/';
}

/**
 * A header's `TYPE NAME` or `TYPE "NAME"` as the loader reads it, the
 * pattern /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/ spelled out: it runs for every
 * header a run looks at, where a regular expression would be compiled twice
 * (V8 compiles one to machine code at its second use).
 */
function typeAndName(text: string): [type: string, name: string] | undefined {
  let i = 0;
  while (i < text.length && isTypeChar(text[i]!)) i++;
  if (i === 0 || !isSpace(text[i])) return undefined;
  let name = text.slice(i + 1);
  const quote = name[0];
  if ((quote === '"' || quote === "'") && name.length > 2 && name[name.length - 1] === quote) name = name.slice(1, -1);
  if (name === '') return undefined;
  for (let j = 0; j < name.length; j++) if (!isNameChar(name[j]!)) return undefined;
  return [text.slice(0, i), name];
}

/** What a header for `key` must have just before its `]`: the name after a section type, else the whole key. */
function nameOf(key: string): string {
  const dot = key.indexOf('.');
  return dot !== -1 && SECTION_TYPES.has(key.slice(0, dot)) ? key.slice(dot + 1) : key;
}

/**
 * Settings of one section body, as the loader reads them into `into`: a
 * setting with an empty value opens nested settings (`s3 =` then indented
 * `max_concurrent_requests = 10`, kept as `s3.max_concurrent_requests`).
 */
function parseBody(body: string, into: SectionData | undefined): SectionData | undefined {
  let nested: string | undefined;
  // At `\n`: a `\r` before it is white space, trimmed with the rest.
  for (const raw of body.split('\n')) {
    const line = (raw.includes('#') || raw.includes(';') ? raw.split(COMMENT)[0]! : raw).trim();
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

/**
 * Names in the order a plain object would list them as its keys (the
 * loader's objects are plain objects): names that are array indices first,
 * in numeric order, then the rest as they came. Kept in a Set while
 * collecting: thousands of keys added to an object one by one cost more.
 */
export function keyOrder(names: Set<string>): string[] {
  const list = [...names];
  if (!/(?:^|\n)\d/.test(list.join('\n'))) return list;
  const isIndex = (name: string) => /^(?:0|[1-9]\d*)$/.test(name) && Number(name) < 2 ** 32 - 1;
  return [...list.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...list.filter((name) => !isIndex(name))];
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i <= offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const WHY = {
  early: 'a setting before any [section] header',
  unclosed: 'a section header without its closing ]',
  neither: "neither a [section] header nor 'key = value'",
} as const;

/** White space as `\s` has it (trim() removes exactly those characters). */
const isSpace = (ch: string | undefined): boolean => ch !== undefined && ch !== '' && ch.trim() === '';

/** Where a line's comment starts (`;` or `#` at its start or after white space), or its length. */
function commentStart(raw: string): number {
  if (!raw.includes('#') && !raw.includes(';')) return raw.length;
  for (let i = 0; i < raw.length; i++)
    if ((raw[i] === '#' || raw[i] === ';') && (i === 0 || isSpace(raw[i - 1]))) return i;
  return raw.length;
}

/**
 * The check of a small file, a line at a time (`text` starts with a line
 * break): a regular expression is compiled at its first use in a run, which
 * costs more than the loop over a few hundred lines. The same rule as
 * checkWhole's, which the tests hold both to.
 */
export function checkLines(text: string): MalformedLine | undefined {
  const lines = text.split('\n');
  let inSection = false;
  // lines[0] is what comes before the line break put first: line N is lines[N].
  for (let line = 1; line < lines.length; line++) {
    const raw = lines[line]!;
    const content = raw.slice(0, commentStart(raw)).trim();
    if (content === '') continue;
    if (content[0] === '[') {
      if (content[content.length - 1] !== ']') return { line, why: WHY.unclosed };
      inSection = true;
      continue;
    }
    // An indented line continues the setting before it.
    if (isSpace(raw[0])) continue;
    if (!inSection) return { line, why: WHY.early };
    const eq = content.indexOf('=');
    const colon = content.indexOf(':');
    if ((eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon)) <= 0) return { line, why: WHY.neither };
  }
  return undefined;
}

/** The check of a large file: native passes of regular expressions over the whole text (`text` starts with a line break). */
export function checkWhole(text: string): MalformedLine | undefined {
  HEADER.lastIndex = 0;
  const first = HEADER.exec(text)?.index ?? text.length;
  // Most files start with their first header: nothing before it to look at.
  const early = first > 0 ? SETTING.exec(text.slice(0, first)) : null;
  if (early) return { line: lineOf(text, early.index), why: WHY.early };
  const pattern = malformedPattern();
  pattern.lastIndex = first;
  const bad = pattern.exec(text);
  if (!bad) return undefined;
  return { line: lineOf(text, bad.index), why: bad[1] !== undefined ? WHY.unclosed : WHY.neither };
}

/** Below this many characters a file is checked a line at a time (checkLines), above it by checkWhole. */
const CHECKED_BY_LINES = 32 * 1024;

/**
 * The offset of the line break before the first header line after `from`,
 * or the end of the text: an unindented header is found by one search, an
 * indented one (rare) by a look at each line before it.
 */
function nextHeader(text: string, from: number): number {
  const plain = text.indexOf('\n[', from);
  const limit = plain === -1 ? text.length : plain;
  for (let nl = text.indexOf('\n', from); nl !== -1 && nl < limit; nl = text.indexOf('\n', nl + 1)) {
    let i = nl + 1;
    while (i < limit && text[i] !== '\n' && isSpace(text[i])) i++;
    if (text[i] === '[') return nl;
  }
  return limit;
}

/** What an earlier run found of the same file, unchanged since (config/checked-files.ts). */
export interface KnownFile {
  /** The loader reads it as empty. */
  empty: boolean;
}

/** Byte ranges of the file, each a section's header line through the end of its body. */
export type Spans = Array<[start: number, end: number]>;

/** Where each section of a key is, as byte ranges of the file (the text's offsets, when every character is a byte). */
export type Learn = (key: string, spans: Spans) => void;

/** The whole file's text, when the run asks for more than a part holds. */
export type ReadWhole = () => { text: string; learn?: Learn | undefined };

export interface SectionsOptions {
  /** The text starts with a line break put before the file's first byte (files/trust.ts, lineBreakFirst). */
  lineBreakFirst?: boolean;
  /** Found well-formed before, as it is now: its whole-text checks are skipped. */
  known?: KnownFile | undefined;
  /**
   * The text holds only the sections of these keys (partsText), all of
   * them: anything else is asked of the whole file, read then.
   */
  part?: { keys: ReadonlySet<string>; whole: ReadWhole } | undefined;
  /** Told where the sections of each key looked up are (the text is the whole file's, a byte a character). */
  learn?: Learn | undefined;
}

/**
 * The text of parts of a file (each a section, header line through the end
 * of its body, in file order) as IniSections reads a whole one; undefined
 * when a part is not a section of its key (then the file is read whole).
 */
export function partsText(parts: ReadonlyArray<{ key: string; text: string }>): string | undefined {
  for (const { key, text } of parts) {
    const end = text.indexOf('\n');
    const header = end === -1 ? text : text.slice(0, end);
    if (header.trim()[0] !== '[' || sectionKey(header) !== key) return undefined;
  }
  return `\n${parts.map((part) => part.text).join('\n')}`;
}

export class IniSections {
  private text: string;
  /** The first line the AWS CLI would refuse, if any. */
  readonly malformed: MalformedLine | undefined;
  /** The loader reads the file as empty (a section name it refuses). */
  readonly empty: boolean;
  private readonly found = new Map<string, Section[]>();
  private readonly parsed = new Map<string, SectionData | undefined>();
  /** Every section has been filed under its key (indexAll). */
  private indexed = false;
  /** Whether a quote comes before some `]` (a header may then be `[profile "NAME"]`): two quick passes, once. */
  private quoted: boolean | undefined;
  private part: SectionsOptions['part'];
  private learn: Learn | undefined;

  constructor(text: string, options: SectionsOptions = {}) {
    this.text = options.lineBreakFirst ? text : `\n${text}`;
    const { known } = options;
    this.part = known && options.part;
    this.learn = this.part ? undefined : options.learn;
    this.malformed = known ? undefined : this.check();
    this.empty = known ? known.empty : this.text.includes('__proto__') && REFUSED_NAME.test(this.text);
  }

  /** From here on, the whole file: the text held only some sections, and the run asks for another. */
  private readWhole(): void {
    if (!this.part) return;
    const { text, learn } = this.part.whole();
    this.text = text;
    this.part = undefined;
    this.learn = learn;
    // Offsets were the part's: looked for again in the whole text (what they hold is the same).
    this.found.clear();
    this.quoted = undefined;
  }

  private check(): MalformedLine | undefined {
    return this.text.length <= CHECKED_BY_LINES ? checkLines(this.text) : checkWhole(this.text);
  }

  /** Where the section whose header line starts after `start` ends. */
  private sectionAt(start: number, header: string): Section {
    const bodyStart = start + 1 + header.length;
    return { start, bodyStart, end: nextHeader(this.text, bodyStart) };
  }

  /** The sections the loader files under `key`, in file order: only their headers are looked at. */
  private sectionsOf(key: string): Section[] {
    let sections = this.found.get(key);
    if (sections) return sections;
    if (this.part && !this.part.keys.has(key)) {
      this.readWhole();
      sections = this.found.get(key);
      if (sections) return sections;
    }
    sections = [];
    if (this.indexed) return sections;
    // A name its prototype has is never a key of the loader's object (a section [constructor] is lost in it).
    if (!this.empty && !(key in Object.prototype)) {
      this.quoted ??= this.text.includes('"]') || this.text.includes("']");
      for (const { index, line } of candidateHeaders(this.text, nameOf(key), this.quoted))
        if (sectionKey(line) === key) sections.push(this.sectionAt(index, line));
    }
    this.found.set(key, sections);
    // As byte ranges of the file: the text is the file's with a line break put first.
    this.learn?.(
      key,
      sections.map((section) => [section.start, section.end - 1]),
    );
    return sections;
  }

  /**
   * The settings of every section the loader files under `key`, merged in
   * file order; undefined when none has a setting (the loader then has no
   * such section at all).
   */
  values(key: string): SectionData | undefined {
    if (this.parsed.has(key)) return this.parsed.get(key);
    let data: SectionData | undefined;
    for (const section of this.sectionsOf(key))
      data = parseBody(this.text.slice(section.bodyStart + 1, section.end), data);
    this.parsed.set(key, data);
    return data;
  }

  /** The loader's names of the sections that have settings, in the order its object holds them: looks at every header. */
  keys(): string[] {
    const order = new Set<string>();
    if (this.empty) return [];
    this.readWhole();
    const { text } = this;
    const lines: string[] = [];
    const starts: number[] = [];
    HEADER_LINES.lastIndex = 0;
    for (let match = HEADER_LINES.exec(text); match; match = HEADER_LINES.exec(text)) {
      lines.push(match[1]!);
      starts.push(match.index);
    }
    // Usually every section starts with a setting: then no section needs a look of its own.
    const allHaveValues = (text.match(HEADER_WITH_VALUE)?.length ?? 0) === lines.length;
    for (let i = 0; i < lines.length; i++) {
      const key = sectionKey(lines[i]!);
      if (key === undefined || order.has(key) || key in Object.prototype) continue;
      if (allHaveValues || VALUE_LINE.test(text.slice(starts[i]! + 1 + lines[i]!.length, starts[i + 1] ?? text.length)))
        order.add(key);
    }
    return keyOrder(order);
  }

  /**
   * The profile names a file gives the loader, in file order (duplicates
   * kept), when every header is one of the plain forms above; undefined
   * when one is not, and only keys() can tell. A config file's
   * `[default]` comes first, as the loader lists it.
   */
  plainProfileNames(file: 'config' | 'credentials'): string[] | undefined {
    if (this.empty) return [];
    this.readWhole();
    const { text } = this;
    const { notPlain, header, prefix } = plainFormsOf(file);
    if (notPlain.test(text)) return undefined;
    const headers = text.match(header);
    const names = headers ? headers.join('').replace(prefix, '\n').slice(1).split('\n') : [];
    return file === 'config' && text.includes('\n[default]') ? ['default', ...names] : names;
  }

  /**
   * Files every section under its key in one pass over the headers, for a
   * run that reads them all (the picker, sso login): a search per key would
   * go over the text once per profile.
   */
  indexAll(): void {
    if (this.indexed || this.empty) return;
    this.readWhole();
    const { text } = this;
    const all = new Map<string, Section[]>();
    HEADER_LINES.lastIndex = 0;
    let previous: Section | undefined;
    for (let match = HEADER_LINES.exec(text); match; match = HEADER_LINES.exec(text)) {
      if (previous) previous.end = match.index;
      const key = sectionKey(match[1]!);
      const section = { start: match.index, bodyStart: match.index + 1 + match[1]!.length, end: text.length };
      previous = section;
      if (key === undefined || key in Object.prototype) continue;
      const list = all.get(key);
      if (list) list.push(section);
      else all.set(key, [section]);
    }
    for (const [key, sections] of all) if (!this.found.has(key)) this.found.set(key, sections);
    this.indexed = true;
  }

  /**
   * The lines of the sections filed under `keys`, headers included, in file
   * order: what the loader reads from this file for those sections and
   * nothing else, so that it makes the same of them.
   */
  excerpt(keys: ReadonlySet<string>): string {
    // Every key from one text: offsets found in a part mean nothing in the whole.
    const part = this.part;
    if (part && [...keys].some((key) => !part.keys.has(key))) this.readWhole();
    return [...keys]
      .flatMap((key) => this.sectionsOf(key))
      .sort((a, b) => a.start - b.start)
      .map((s) => `${this.text.slice(s.start + 1, s.end)}\n`)
      .join('');
  }
}
