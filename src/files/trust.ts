/**
 * The one rule for every file stsenv writes or trusts (the credentials file,
 * the credential cache, the SSO token cache, lock files), as OpenSSH's
 * StrictModes: README "Security" states it.
 *
 * - A file must be a regular file of ours that group and others cannot
 *   write; one readable by them is said (and tightened where stsenv writes).
 * - A symbolic link is followed only when it is ours.
 * - A folder must be ours or root's, and not writable by group or others
 *   unless the sticky bit keeps them from replacing what is ours in it
 *   (as /tmp): then only files that are ours are used in it.
 * - Reads open without following a link and without blocking (a FIFO is
 *   refused at once, never waited on), check the opened file itself (fstat,
 *   no second look-up), and stop at a size no real file reaches.
 *
 * Where there are no POSIX owners (Windows: no uid), only the kind of file
 * and its size are checked.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Who we are: the Context's LocalProcess fits (a type of its own keeps the config loader from importing the Context). */
export interface Self {
  /** undefined where there are no POSIX owners (Windows). */
  uid?: number;
}

// Windows has neither; there a FIFO cannot be planted by path and links are not followed by these checks.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Why a file or folder is not trusted; `refuse: false` is only said, the file still used. */
export interface TrustProblem {
  refuse: boolean;
  why: string;
}

/** Size caps: far above any real file of each kind, far below what would fill memory. */
export const MAX_BYTES = {
  cacheEntry: 64 * 1024,
  ssoCacheFile: 1024 * 1024,
  lockFile: 1024,
  sharedFile: 16 * 1024 * 1024,
  keystoreFile: 16 * 1024 * 1024,
} as const;

const octal = (mode: number) => (mode & 0o7777).toString(8);

/** The rule for a file, from its stats (fstat of the opened file, or lstat). */
export function fileProblem(stats: Stats, local: Self): TrustProblem | undefined {
  if (stats.isSymbolicLink()) return { refuse: true, why: 'is a symbolic link' };
  if (!stats.isFile()) return { refuse: true, why: 'is not a regular file (a FIFO, a device or a folder)' };
  const uid = local.uid;
  if (uid === undefined) return undefined;
  if (stats.uid !== uid) return { refuse: true, why: `is owned by uid ${stats.uid}, not you (uid ${uid})` };
  if (stats.mode & 0o022) return { refuse: true, why: `is writable by group or others (mode ${octal(stats.mode)})` };
  if (stats.mode & 0o044) return { refuse: false, why: `is readable by group or others (mode ${octal(stats.mode)})` };
  return undefined;
}

/** A symbolic link is followed only when it is ours: another user's link could point anywhere we can write. */
export function linkProblem(link: Stats, local: Self): TrustProblem | undefined {
  if (local.uid === undefined || link.uid === local.uid) return undefined;
  return { refuse: true, why: `is a symbolic link owned by uid ${link.uid}, not you (uid ${local.uid})` };
}

/** The rule for a folder, from the stats of the folder itself (links already followed). */
export function folderStatsProblem(stats: Stats, local: Self): TrustProblem | undefined {
  if (!stats.isDirectory()) return { refuse: true, why: 'is not a folder' };
  const uid = local.uid;
  if (uid === undefined) return undefined;
  if (stats.uid !== uid && stats.uid !== 0)
    return { refuse: true, why: `is owned by uid ${stats.uid}, not you (uid ${uid}) or root` };
  if (stats.mode & 0o022 && !(stats.mode & 0o1000)) {
    return { refuse: true, why: `is writable by group or others without the sticky bit (mode ${octal(stats.mode)})` };
  }
  return undefined;
}

/** The rule for the folder at `path` (a link to it must be ours); undefined also when it does not exist. */
export function folderProblem(path: string, local: Self): TrustProblem | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(path);
    if (stats.isSymbolicLink()) {
      const problem = linkProblem(stats, local);
      if (problem) return problem;
      stats = statSync(path);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { refuse: true, why: `cannot be checked (${code ?? 'error'})` };
  }
  return folderStatsProblem(stats, local);
}

export interface TrustedRead {
  /** The text; undefined when the file does not exist or is refused. */
  text?: string;
  problem?: TrustProblem;
  /** The opened file's, when it was read. */
  stats?: Stats;
  /** The text is what readPart gave, not the whole file. */
  part?: boolean;
}

export interface ReadOptions {
  /** false leaves out the owner and mode (a config file others may share), never the kind and size. */
  owned?: boolean;
  /** Follow a link (for a path already checked). */
  followLink?: boolean;
  /**
   * The text starts with a line break put before the file's first byte, so
   * that a reader matching `\n` before every line needs no copy of its own
   * (a few hundred KB for a large config).
   */
  lineBreakFirst?: boolean;
  /**
   * Asked once the opened file passed the rule: the text of only the parts
   * the caller needs, read from the descriptor (readBytesAt), or undefined
   * to read the file whole.
   */
  readPart?: (fd: number, stats: Stats) => string | undefined;
}

/**
 * Reads a file under the rule: opened without following a link (unless
 * `followLink`) and without blocking, judged on the opened file, read up to
 * `maxBytes`.
 */
export function readTrusted(path: string, local: Self, maxBytes: number, options: ReadOptions = {}): TrustedRead {
  const owned = options.owned ?? true;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (options.followLink ? 0 : O_NOFOLLOW));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    if (code === 'ELOOP') return { problem: { refuse: true, why: 'is a symbolic link' } };
    return { problem: { refuse: true, why: `cannot be read (${code ?? 'error'})` } };
  }
  try {
    const stats = fstatSync(fd);
    const problem = owned ? fileProblem(stats, local) : stats.isFile() ? undefined : fileProblem(stats, local);
    if (problem?.refuse) return { problem };
    if (stats.size > maxBytes)
      return { problem: { refuse: true, why: `is larger than ${maxBytes} bytes, more than any real one` } };
    const part = options.readPart?.(fd, stats);
    if (part !== undefined) return { text: part, problem, stats, part: true };
    const first = options.lineBreakFirst ? 1 : 0;
    // Not zero-filled (a large config's worth of zeros at every start): only what was read is ever looked at.
    const buffer = Buffer.allocUnsafe(first + Math.min(maxBytes + 1, Math.max(stats.size + 1, 4096)));
    if (first) buffer[0] = 0x0a;
    let length = first;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n <= 0) break;
      length += n;
    }
    // Grown since the fstat: no more than the cap, and never half of it.
    if (length === buffer.length)
      return { problem: { refuse: true, why: `is larger than ${maxBytes} bytes, more than any real one` } };
    return { text: buffer.subarray(0, length).toString('utf8'), problem, stats };
  } finally {
    closeSync(fd);
  }
}

const NOBODY: Self = {};

/**
 * A file people may share or link (the AWS config, a --policy file): any
 * owner, links followed, but still a regular file, opened without blocking
 * and capped, so a FIFO or a huge file is refused rather than waited on or
 * read whole. undefined text: missing; `why`: refused.
 */
export function readRegular(
  path: string,
  maxBytes: number,
  options: Pick<ReadOptions, 'lineBreakFirst' | 'readPart'> = {},
): { text?: string; why?: string; stats?: Stats; part?: boolean } {
  const { text, problem, stats, part } = readTrusted(path, NOBODY, maxBytes, {
    ...options,
    owned: false,
    followLink: true,
  });
  return problem?.refuse ? { why: problem.why } : { text, stats, part };
}

/** Bytes `start` to `end` of an opened file (fewer if it is shorter). */
export function readBytesAt(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.allocUnsafe(end - start);
  let length = 0;
  while (length < buffer.length) {
    const n = readSync(fd, buffer, length, buffer.length - length, start + length);
    if (n <= 0) break;
    length += n;
  }
  return buffer.subarray(0, length);
}
