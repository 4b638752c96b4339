/**
 * --write-profile: puts credentials into one section of the shared
 * credentials file and leaves every other line as it was (other sections,
 * comments, other keys of the same section). Writers take a lock file, read
 * the current text, and rename a complete new file into place, so racing
 * stsenv processes lose no section and a crash leaves the old file.
 */
import { mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { unlinkQuietly, withLock } from './file-lock.js';
import { isAbandonedTemp, lstatOrUndefined, ownershipProblem, writeFileAtomic } from './safe-files.js';
import type { LocalProcess } from '../context.js';
import type { Credentials } from '../credentials.js';
import { failure, usageError } from '../errors.js';
import { credentialsFilePath } from '../config/shared-files.js';
import { iniEntries, INI_KEYS } from '../shells/ini.js';

/** What writing the file needs from the Context. */
export interface CredentialsFileIo {
  env: NodeJS.ProcessEnv;
  local: LocalProcess;
  warn(message: string): void;
}

const MANAGED_KEYS = new Set<string>([...Object.values(INI_KEYS), 'aws_security_token']);
const SECTION = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const KEY_LINE = /^\s*([^=\s#;][^=]*?)\s*=/;

/**
 * The file text with section `name` holding `credentials`: its own keys
 * replaced in place (the first occurrence; repeats dropped), missing ones
 * added after its last key, everything else untouched. A new section goes at
 * the end.
 */
export function replaceSection(text: string, name: string, credentials: Credentials): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const values = iniEntries(credentials, (key, why) => usageError(`cannot write ${key} to the credentials file: it contains ${why}`));
  const wanted = new Map(values);

  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const start = lines.findIndex((line) => SECTION.exec(line)?.[1] === name);
  if (start === -1) {
    const block = [`[${name}]`, ...values.map(([key, value]) => `${key} = ${value}`)];
    const out = lines.length > 0 && lines[lines.length - 1]!.trim() !== '' ? [...lines, '', ...block] : [...lines, ...block];
    return out.join(eol) + eol;
  }
  let end = lines.findIndex((line, i) => i > start && SECTION.test(line));
  if (end === -1) end = lines.length;
  const body: string[] = [];
  const written = new Set<string>();
  let lastKey = -1;
  for (const line of lines.slice(start + 1, end)) {
    const key = KEY_LINE.exec(line)?.[1];
    if (key !== undefined && MANAGED_KEYS.has(key)) {
      if (wanted.has(key) && !written.has(key)) {
        body.push(`${key} = ${wanted.get(key)}`);
        written.add(key);
        lastKey = body.length - 1;
      }
      continue; // a repeat, or a key these credentials do not have (an old token)
    }
    body.push(line);
    if (key !== undefined) lastKey = body.length - 1;
  }
  const missing = values.filter(([key]) => !written.has(key)).map(([key, value]) => `${key} = ${value}`);
  body.splice(lastKey + 1, 0, ...missing);
  return [...lines.slice(0, start + 1), ...body, ...lines.slice(end)].join(eol) + eol;
}

// ---------------------------------------------------------------- writing

/** The file to write: the credentials file, or where its symbolic link points (a dotfiles setup keeps its link). */
function targetPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export async function writeProfile(name: string, credentials: Credentials, io: CredentialsFileIo): Promise<string> {
  return updateCredentialsFile(io, '--write-profile', (text) => replaceSection(text, name, credentials));
}

/**
 * Replaces the credentials file with `edit` of its current text, under the lock, atomically
 * (mode 600); `edit` returning undefined leaves the file alone. `purpose` names the command for messages.
 */
export async function updateCredentialsFile(io: CredentialsFileIo, purpose: string, edit: (text: string) => string | undefined): Promise<string> {
  const { local } = io;
  const file = targetPath(credentialsFilePath(io.env));
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw failure(`cannot create ${dirname(file)} for ${purpose} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const stats = lstatOrUndefined(file);
  if (stats) {
    if (!stats.isFile()) throw failure(`cannot write ${purpose} to ${file}: it is not a regular file`);
    const problem = ownershipProblem(stats, local);
    if (problem?.refuse) throw failure(`refusing to write credentials to ${file}: it ${problem.why}`, { hint: `chmod 600 ${file}` });
    if (problem) io.warn(`${file} ${problem.why}; it will be written with mode 600`);
  }
  try {
    await withLock(file, local, () => {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const edited = edit(text);
      if (edited === undefined) return;
      writeFileAtomic(file, edited, local);
      // Temp files of writers killed before their rename.
      for (const entry of readdirSync(dirname(file))) {
        if (entry.startsWith(`.${basename(file)}.tmp-`) && isAbandonedTemp(entry, local)) unlinkQuietly(join(dirname(file), entry));
      }
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'StsenvError') throw error;
    throw failure(`cannot write ${purpose} to ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  return file;
}

// ---------------------------------------------------------------- keys moved out

/** The file's text as lines with their own line endings, so that what is kept is kept byte for byte. */
function linesWithEndings(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function withoutEnding(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** Every section's keys as the file writes them (the first of a repeated key), by section name. */
export function sectionKeys(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of linesWithEndings(text).map(withoutEnding)) {
    const section = SECTION.exec(line);
    if (section) {
      current = sections.get(section[1]!) ?? {};
      sections.set(section[1]!, current);
      continue;
    }
    const key = KEY_LINE.exec(line)?.[1];
    if (current && key !== undefined && MANAGED_KEYS.has(key) && !Object.hasOwn(current, key)) {
      current[key] = line.slice(line.indexOf('=') + 1).trim();
    }
  }
  return sections;
}

/** The text without section `name`'s key lines (its header and every other line kept as they were). */
export function removeSectionKeys(text: string, name: string): string {
  let inside = false;
  return linesWithEndings(text)
    .filter((line) => {
      const bare = withoutEnding(line);
      const section = SECTION.exec(bare);
      if (section) {
        inside = section[1] === name;
        return true;
      }
      const key = KEY_LINE.exec(bare)?.[1];
      return !(inside && key !== undefined && MANAGED_KEYS.has(key));
    })
    .join('');
}
