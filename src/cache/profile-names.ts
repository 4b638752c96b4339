/**
 * The profile names completion offers, kept between runs: every Tab after
 * --profile would otherwise read and check the whole config (thousands of
 * profiles cost more than the rest of the Tab). The names the loader gives
 * (config/shared-files.ts, profileNames) are written to stsenv-profile-names/
 * beside the folder of the credential cache (never in it, which --no-cache
 * promises not to touch), one file per pair of config and credentials
 * paths, with what each file was when it was read (device, inode, size,
 * modification and change times). A Tab that finds both files as they were
 * prints the names kept; a change to either, a file that appears or goes,
 * and the names are read again and the file rewritten.
 *
 * Names only, never a value: a name is not a secret, but what a config
 * holds may be. Like a code cache, the file is used only from a folder that
 * is ours and writable by no one else (0700, files 0600, never through a
 * link), and everything here is best effort: an index that cannot be read
 * or written costs only the speed it would have given.
 */
import { join } from 'node:path';
import { besideCache } from './folder.js';
import { configFilePath, credentialsFilePath, sharedConfig } from '../config/shared-files.js';
import type { LocalProcess } from '../process-identity.js';
import { fnv1a, readPrivateFile, writePrivateFile } from '../files/private-files.js';
import { fileState } from '../files/file-state.js';

/** The process that keeps the names: its uid owns the folder, its PID names a temporary file. */
export interface NameKeeper extends Pick<LocalProcess, 'pid' | 'uid'> {
  platform: NodeJS.Platform;
}

/** Far above the names of any real config (100,000 profiles are a few MB). */
const MAX_BYTES = 16 * 1024 * 1024;
declare const STSENV_VERSION: string | undefined;
/** Who wrote the file: another release of stsenv may read names otherwise, and reads the files again. */
const FORMAT = `1 ${typeof STSENV_VERSION === 'string' ? STSENV_VERSION : 'development'}`;

interface Index {
  format: string;
  config: string;
  credentials: string;
  /** fileState's key of each, when the names were read. */
  configState: string;
  credentialsState: string;
  /** The names, one a line, in the loader's order. */
  names: string;
}

function indexFile(env: NodeJS.ProcessEnv, local: NameKeeper, config: string, credentials: string): string {
  const folder = besideCache(env, local.platform, 'stsenv-profile-names');
  return join(folder, `${fnv1a(`${config}\n${credentials}`)}.json`);
}

function readIndex(file: string, local: NameKeeper): Partial<Index> | undefined {
  const data = readPrivateFile(file, local, MAX_BYTES);
  try {
    // A file cut short is no JSON: read as none.
    return data === undefined ? undefined : (JSON.parse(data.toString('utf8')) as Partial<Index>);
  } catch {
    return undefined;
  }
}

/** Written whole (a temporary file renamed into place) in a 0700 folder of our own. */
function writeIndex(file: string, index: Index, local: NameKeeper): void {
  writePrivateFile(file, Buffer.from(JSON.stringify(index), 'utf8'), local);
}

/**
 * The profile names of the shared files, one a line ('' for none), as
 * sharedConfig(env).profileNames() lists them; throws as it does (a
 * malformed file: no names are kept for it). Without `local`, read from
 * the files and not kept.
 */
export function profileNameLines(env: NodeJS.ProcessEnv, local?: NameKeeper): string {
  const config = configFilePath(env);
  const credentials = credentialsFilePath(env);
  const configState = local && fileState(config);
  const credentialsState = local && fileState(credentials);
  if (!local || !configState || !credentialsState) return sharedConfig(env).profileNames().join('\n');
  let file: string | undefined;
  try {
    file = indexFile(env, local, config, credentials);
  } catch {
    // No home to find the folder in.
  }
  const kept = file === undefined ? undefined : readIndex(file, local);
  if (
    kept?.format === FORMAT &&
    kept.config === config &&
    kept.credentials === credentials &&
    kept.configState === configState.key &&
    kept.credentialsState === credentialsState.key &&
    typeof kept.names === 'string'
  )
    return kept.names;
  const names = sharedConfig(env).profileNames().join('\n');
  if (file !== undefined && !configState.racy && !credentialsState.racy) {
    try {
      writeIndex(
        file,
        {
          format: FORMAT,
          config,
          credentials,
          configState: configState.key,
          credentialsState: credentialsState.key,
          names,
        },
        local,
      );
    } catch {
      // Only speed is lost: the next Tab reads the files, and tries again.
    }
  }
  return names;
}
