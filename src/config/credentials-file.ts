/**
 * --write-profile: puts credentials into one section of the shared
 * credentials file and leaves every other line as it was (other sections,
 * comments, other keys of the same section). Writers take a lock file, read
 * the current text, and rename a complete new file into place, so racing
 * stsenv processes lose no section and a crash leaves the old file.
 */
import { mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { unlinkQuietly, withLock } from '../files/file-lock.js';
import { isAbandonedTemp, lstatOrUndefined, writeFileAtomic } from '../files/safe-files.js';
import { fileProblem, folderProblem, linkProblem, MAX_BYTES, readTrusted } from '../files/trust.js';
import type { LocalProcess } from '../process-identity.js';
import type { Credentials } from '../credentials.js';
import { failure, usageError } from '../errors.js';
import { credentialsFilePath } from './shared-files.js';
import { iniEntries, INI_KEYS } from '../shells/ini.js';

/** What writing the file needs from the Context. */
export interface CredentialsFileIo {
  env: NodeJS.ProcessEnv;
  local: LocalProcess;
  warn(message: string): void;
  debug?(message: string): void;
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
  const values = iniEntries(credentials, (key, why) =>
    usageError(`cannot write ${key} to the credentials file: it contains ${why}`),
  );
  const wanted = new Map(values);

  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const start = lines.findIndex((line) => SECTION.exec(line)?.[1] === name);
  if (start === -1) {
    const block = [`[${name}]`, ...values.map(([key, value]) => `${key} = ${value}`)];
    const out =
      lines.length > 0 && lines[lines.length - 1]!.trim() !== '' ? [...lines, '', ...block] : [...lines, ...block];
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

/**
 * The file to write at `path`, checked by the one rule (trust.ts): a link only
 * when it is ours (another user's could point at our .bashrc), folders ours or
 * sticky, the file a regular one of ours. `what` names the file in messages.
 */
function checkedTarget(path: string, what: string, io: CredentialsFileIo): string {
  const { local } = io;
  const link = lstatOrUndefined(path);
  const linked = link?.isSymbolicLink() ? linkProblem(link, local) : undefined;
  if (linked)
    throw failure(`refusing to write ${what} to ${path}: it ${linked.why}`, {
      hint: 'remove the link, or point the variable that names the file at a file of yours',
    });
  const file = targetPath(path);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw failure(
      `cannot create ${dirname(file)} for the ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  for (const folder of new Set([dirname(path), dirname(file)])) {
    const problem = folderProblem(folder, local);
    if (problem)
      throw failure(`refusing to write ${what} in ${folder}: it ${problem.why}`, {
        hint: 'keep the file in a folder of yours (chmod 700), or use the sticky bit (chmod +t) on a shared one',
      });
  }
  const stats = lstatOrUndefined(file);
  if (stats) {
    const problem = fileProblem(stats, local);
    if (problem?.refuse)
      throw failure(`refusing to write ${what} to ${file}: it ${problem.why}`, {
        hint: `remove it, or make it yours with mode 600 (chmod 600 ${file})`,
      });
    if (problem) io.warn(`${file} ${problem.why}; it will be written with mode 600`);
  }
  return file;
}

/**
 * Under the lock: the file's text as it is now ('' when there is none), then
 * `change`'s text renamed into place whole with mode 0600; undefined or the
 * same text leaves the file as it is (not a byte written).
 */
async function rewriteLocked(
  file: string,
  what: string,
  change: (text: string) => string | undefined,
  local: LocalProcess,
): Promise<void> {
  try {
    await withLock(file, local, () => {
      const { text = '', problem } = readTrusted(file, local, MAX_BYTES.sharedFile);
      if (problem?.refuse) throw failure(`refusing to write ${what} to ${file}: it ${problem.why}`);
      const next = change(text);
      if (next !== undefined && next !== text) writeFileAtomic(file, next, local);
      // Temp files of writers killed before their rename.
      for (const entry of readdirSync(dirname(file))) {
        if (entry.startsWith(`.${basename(file)}.tmp-`) && isAbandonedTemp(entry, local))
          unlinkQuietly(join(dirname(file), entry));
      }
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'StsenvError') throw error;
    throw failure(
      `cannot write ${what} to ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
}

export async function writeProfile(name: string, credentials: Credentials, io: CredentialsFileIo): Promise<string> {
  return updateCredentialsFile(io, '--write-profile', (text) => replaceSection(text, name, credentials));
}

/**
 * Replaces the credentials file with `edit` of its current text, under the lock, atomically
 * (mode 600); `edit` returning undefined leaves the file alone. Returns the file written;
 * `purpose` (the command) is named in the debug line.
 */
export async function updateCredentialsFile(
  io: CredentialsFileIo,
  purpose: string,
  edit: (text: string) => string | undefined,
): Promise<string> {
  const file = checkedTarget(credentialsFilePath(io.env), 'credentials', io);
  io.debug?.(`${purpose}: rewriting ${file} under its lock`);
  await rewriteLocked(file, 'credentials', edit, io.local);
  return file;
}

/**
 * Rewrites another shared file (`stsenv sso populate`: the config file) as
 * writeProfile writes the credentials file: through its symbolic link, under
 * the lock, renamed into place whole with mode 0600. `change` gets the
 * current text ('' when there is none) and gives the new one, or undefined
 * to leave the file as it is (not a byte written).
 */
export async function updateFileLocked(
  path: string,
  change: (text: string) => string | undefined,
  io: CredentialsFileIo,
): Promise<void> {
  await rewriteLocked(checkedTarget(path, 'the file', io), 'the file', change, io.local);
}

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
