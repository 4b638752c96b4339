/**
 * What the config reader remembers of a large shared file between runs,
 * one record per file in stsenv-config-checks/: that, as it is now (its
 * device, inode, size and times: files/file-state.ts), it was checked whole
 * and found well-formed, whether the loader reads it as empty, and where
 * the sections the runs looked up are (byte ranges, for the newest MAX_KEYS
 * keys). A run that finds the file as it was skips the pass that goes over
 * every line (the malformed-line check) and, when it needs only those
 * sections, reads only them (config/shared-files.ts), so that a run that
 * names one profile costs the same with 3 profiles or 3,000. Any change to
 * the file, and it is checked and read whole again.
 *
 * A record holds section names and where they are, never what they hold:
 * settings, and any secret, are always read from the file itself, and a
 * range is used only when it begins with a header of its key. A record is
 * used only from a folder that is ours and writable by no one else
 * (files/private-files.ts); one that cannot be read or written costs only
 * the speed it would have given. A small file is checked and read whole at
 * every run: that costs less than reading a record.
 */
import { childPath } from '../files/child-path.js';
import type { FileState } from '../files/file-state.js';
import type { Spans } from './ini-sections.js';
import { fnv1a, type Keeper, readPrivateFile, writePrivateFile } from '../files/private-files.js';

/** Where a run keeps its records, and who it is. */
export interface CheckMemory {
  /** The folder of the records (may throw: no home to find it in). */
  folder(): string;
  keeper: Keeper;
}

/** Below this many characters a file's check costs less than reading its record (about 5 ns a character). */
export const WORTH_REMEMBERING = 32 * 1024;

declare const STSENV_VERSION: string | undefined;
/** Who wrote the record: another release of stsenv may check otherwise, and checks again. */
const FORMAT = `stsenv-config-check 1 ${typeof STSENV_VERSION === 'string' ? STSENV_VERSION : 'development'}`;
const MAX_BYTES = 64 * 1024;

/** A run's memory, by its environment object (the Context's), as sharedConfig keeps its files. */
const memories = new WeakMap<NodeJS.ProcessEnv, CheckMemory>();

/** The run whose environment is `env` remembers its checks in `memory` (processContext says so). */
export function rememberChecks(env: NodeJS.ProcessEnv, memory: CheckMemory): void {
  memories.set(env, memory);
}

export function checkMemory(env: NodeJS.ProcessEnv): CheckMemory | undefined {
  return memories.get(env);
}

function recordFile(memory: CheckMemory, path: string): string {
  return childPath(memory.folder(), fnv1a(path));
}

/** What an earlier run found of a file in the state it is in now. */
export interface Recalled {
  /** The loader reads it as empty. */
  empty: boolean;
  /**
   * Where the sections of the keys earlier runs looked up are (a key with
   * none: no such section), so that a run looking up only those reads only
   * them. Where they are, never what they hold: the settings, any secret
   * among them, are read from the file each time.
   */
  sections: Map<string, Spans>;
}

/** The keys whose sections a record keeps: the profiles (and their chains) a shell uses, not a config's thousands. */
export const MAX_KEYS = 32;

/** A record's first lines: who wrote it, the file's path and state, and what was found. */
function recordHead(path: string, state: FileState, empty: boolean): string {
  return `${FORMAT}\n${path}\n${state.key}\nwell-formed${empty ? ', read as empty' : ''}\n`;
}

/** What a record holds: its head, then where the sections looked up are. */
export function recordText(
  path: string,
  state: FileState,
  empty: boolean,
  sections: ReadonlyMap<string, Spans> = new Map(),
): string {
  return `${recordHead(path, state, empty)}${JSON.stringify([...sections])}\n`;
}

const isSpans = (value: unknown): value is Spans =>
  Array.isArray(value) &&
  value.every(
    (span) =>
      Array.isArray(span) &&
      span.length === 2 &&
      Number.isSafeInteger(span[0]) &&
      Number.isSafeInteger(span[1]) &&
      0 <= span[0] &&
      span[0] < span[1],
  );

/** What an earlier run found of the file at `path` in this very state; undefined when none did. */
export function recalled(memory: CheckMemory, path: string, state: FileState): Recalled | undefined {
  let text: string | undefined;
  try {
    text = readPrivateFile(recordFile(memory, path), memory.keeper, MAX_BYTES)?.toString('utf8');
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  for (const empty of [false, true]) {
    const head = recordHead(path, state, empty);
    if (!text.startsWith(head) || !text.endsWith('\n')) continue;
    let listed: unknown;
    try {
      listed = JSON.parse(text.slice(head.length, -1));
    } catch {
      return undefined;
    }
    if (!Array.isArray(listed) || listed.length > MAX_KEYS) return undefined;
    const sections = new Map<string, Spans>();
    for (const entry of listed) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !isSpans(entry[1])) return undefined;
      sections.set(entry[0], entry[1]);
    }
    return { empty, sections };
  }
  return undefined;
}

/**
 * Keeps that the file at `path`, in this state, was checked whole and found
 * well-formed, and where the sections of `sections`' keys are.
 */
export function remember(
  memory: CheckMemory,
  path: string,
  state: FileState,
  empty: boolean,
  sections?: ReadonlyMap<string, Spans>,
): void {
  if (state.racy) return;
  try {
    writePrivateFile(
      recordFile(memory, path),
      Buffer.from(recordText(path, state, empty, sections), 'utf8'),
      memory.keeper,
    );
  } catch {
    // Only speed is lost: the next run checks the file, and tries again.
  }
}
