/**
 * The shared config and credentials files (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials),
 * read once per run and only as far as the run needs (ini-sections.ts),
 * with what the SDK's loader would make of them. The SDK, when a request
 * loads it, is given the same text, cut to the profiles it will read
 * (sdkFiles), rather than reading and parsing the files again.
 */
import { homedir } from '../lazy-os.js';
import { childPath } from '../files/child-path.js';
import { usageError } from '../errors.js';
import type { Stats } from 'node:fs';
import { MAX_BYTES, readBytesAt, readRegular } from '../files/trust.js';
import { type FileState, stateOf } from '../files/file-state.js';
import {
  type CheckMemory,
  checkMemory,
  MAX_KEYS,
  type Recalled,
  recalled,
  remember,
  WORTH_REMEMBERING,
} from './checked-files.js';
import { IniSections, keyOrder, type Learn, partsText, type SectionData, type Spans } from './ini-sections.js';

/** One profile's keys as the loader gives them (config and credentials merged). */
export type ProfileData = SectionData;
export type Profiles = Record<string, ProfileData>;

/** Profiles by name: what following a source_profile chain needs (config/profiles.ts). */
export interface ProfileSource {
  /** undefined when neither file has the profile. */
  profile(name: string): ProfileData | undefined;
}

/** A plain record of profiles as a ProfileSource. */
export function profileSource(profiles: Profiles): ProfileSource {
  return { profile: (name) => (Object.hasOwn(profiles, name) ? profiles[name] : undefined) };
}

export interface SharedConfig extends ProfileSource {
  /** Every profile's name, in the order the loader lists them. */
  profileNames(): string[];
  /** An [sso-session NAME] section of the config file. */
  ssoSession(name: string): ProfileData | undefined;
  ssoSessionNames(): string[];
  /** Every profile parsed (the picker, sso login): costs what the whole files cost. */
  allProfiles(): Profiles;
  allSsoSessions(): Profiles;
  /**
   * Each file as the SDK should read it when it resolves `profiles`: their
   * sections, those of the profiles they name as source_profile, their
   * sso-session and services sections; nothing else.
   */
  sdkFiles(profiles: readonly string[]): Array<{ path: string; text: string }>;
}

const SSO_SESSION = 'sso-session.';
/** The config file's section types the loader keeps under their own prefix: they are no profiles. */
const isNotProfile = (name: string) => name.startsWith(SSO_SESSION) || name.startsWith('services.');
/** A line that is a name Object.prototype has (constructor, toString, __proto__...): made on first use, by a Tab. */
let prototypeNames: RegExp | undefined;

/**
 * The text of one shared file, a line break put first (ini-sections.ts reads
 * it so), with its stats; undefined when it does not exist. `readPart` may
 * give the text of only some of its sections instead (`part` is then set).
 * The only place these files are opened.
 */
function readSharedFile(
  path: string,
  what: string,
  envName: string,
  readPart?: (fd: number, stats: Stats) => string | undefined,
) {
  // Not blocking and capped: a FIFO or a huge file in its place is refused rather than hanging the run.
  const { text, why, stats, part } = readRegular(path, MAX_BYTES.sharedFile, { lineBreakFirst: true, readPart });
  if (why !== undefined)
    throw usageError(`cannot read ${what} '${path}': it ${why}`, `fix the file or point ${envName} at a readable one`);
  return text === undefined || stats === undefined ? undefined : { text, stats, part: part === true };
}

/**
 * The loader is lenient: a line it cannot make sense of is dropped, so a
 * typo turns into a silent "profile not found" or the wrong identity.
 * stsenv refuses what the AWS CLI's parser refuses too: a line before any
 * [section], a header without its `]`, and a line that is neither
 * `key = value` (or `key: value`) nor the indented continuation of one.
 */
function checked(sections: IniSections, path: string, what: string): IniSections {
  const problem = sections.malformed;
  if (problem)
    throw usageError(
      `${what} '${path}' is malformed at line ${problem.line}: ${problem.why}`,
      'fix that line (the AWS CLI refuses it too)',
    );
  return sections;
}

/**
 * The text of the recorded sections of a file, read from its descriptor:
 * each range must lie in the file, apart from the others, and begin with a
 * header of its key (partsText), or the file is read whole.
 */
function recordedParts(fd: number, size: number, sections: ReadonlyMap<string, Spans>): string | undefined {
  const spans = [...sections].flatMap(([key, list]) => list.map(([start, end]) => ({ key, start, end })));
  spans.sort((a, b) => a.start - b.start);
  let previous = 0;
  const parts: Array<{ key: string; text: string }> = [];
  for (const { key, start, end } of spans) {
    if (start < previous || end > size) return undefined;
    previous = end;
    const bytes = readBytesAt(fd, start, end);
    if (bytes.length !== end - start) return undefined;
    parts.push({ key, text: bytes.toString('utf8') });
  }
  return partsText(parts);
}

/**
 * One shared file's sections, checked. Checking goes over every line, so a
 * large file found well-formed is remembered as such until it changes, with
 * where the sections the runs looked up are (checked-files.ts): a run that
 * finds it unchanged, and needs only those, reads only them.
 */
function readSections(env: NodeJS.ProcessEnv, path: string, what: string, envName: string): IniSections | undefined {
  const memory = checkMemory(env);
  let state: FileState | undefined;
  let known: Recalled | undefined;
  const read = readSharedFile(
    path,
    what,
    envName,
    memory &&
      ((fd, stats) => {
        if (stats.size < WORTH_REMEMBERING) return undefined;
        state = stateOf(stats);
        known = recalled(memory, path, state);
        return known && !known.empty && known.sections.size > 0
          ? recordedParts(fd, stats.size, known.sections)
          : undefined;
      }),
  );
  if (read === undefined) return undefined;
  if (!memory || !state) return checked(new IniSections(read.text, { lineBreakFirst: true }), path, what);
  const remembered = { memory, path, state, sections: new Map(known?.sections) };
  if (read.part) {
    const part = {
      keys: new Set(remembered.sections.keys()),
      whole: () => {
        // The run asks for a section no record holds: the whole file, as a run that had no record reads it.
        const again = readSharedFile(path, what, envName);
        if (again === undefined) return { text: '\n' };
        const same = stateOf(again.stats).key === remembered.state.key;
        if (!same) checked(new IniSections(again.text, { lineBreakFirst: true }), path, what);
        return {
          text: again.text,
          learn: same ? learner(remembered, again.text, again.stats, () => false) : undefined,
        };
      },
    };
    return new IniSections(read.text, { lineBreakFirst: true, known, part });
  }
  // The loader reads the file as empty or not: known from the record, else from the text once it is read.
  const empty = () => known?.empty ?? sections.empty;
  const sections: IniSections = checked(
    new IniSections(read.text, {
      lineBreakFirst: true,
      known,
      learn: learner(remembered, read.text, read.stats, empty),
    }),
    path,
    what,
  );
  if (!known) remember(memory, path, state, sections.empty);
  return sections;
}

/**
 * Where the sections a run looks up are, kept in the file's record (the
 * newest MAX_KEYS keys); only for a file whose every character is one byte,
 * where the text's offsets are the file's.
 */
function learner(
  remembered: { memory: CheckMemory; path: string; state: FileState; sections: Map<string, Spans> },
  text: string,
  stats: Stats,
  empty: () => boolean,
): Learn | undefined {
  if (text.length - 1 !== stats.size || remembered.state.racy) return undefined;
  return (key, spans) => {
    const { sections } = remembered;
    // A file read as empty has no sections to find.
    if (empty()) return;
    if (JSON.stringify(sections.get(key)) === JSON.stringify(spans)) return;
    sections.delete(key);
    sections.set(key, spans);
    for (const oldest of sections.keys()) if (sections.size > MAX_KEYS) sections.delete(oldest);
    remember(remembered.memory, remembered.path, remembered.state, empty(), sections);
  };
}

/** A name the config file lists, as the loader's getConfigData names it: [profile x] is `x`, [sso-session x] stays `sso-session.x`. */
function configName(key: string): string | undefined {
  const dot = key.indexOf('.');
  if (dot === -1) return undefined;
  const type = key.slice(0, dot);
  if (type === 'profile') return key.slice(dot + 1);
  return type === 'sso-session' || type === 'services' ? key : undefined;
}

class LoadedFiles implements SharedConfig {
  private readonly merged = new Map<string, ProfileData | undefined>();

  constructor(
    private readonly configPath: string,
    private readonly config: IniSections | undefined,
    private readonly credentialsPath: string,
    private readonly credentials: IniSections | undefined,
  ) {}

  /** The config file's sections that may give profile `name`, the one that wins first. */
  private configKeys(name: string): string[] {
    // [default] gives way to a [profile default] with settings.
    if (name === 'default') return ['profile.default', 'default'];
    if (!isNotProfile(name)) return [`profile.${name}`];
    // [profile sso-session.x] and [sso-session x] are one name to the loader: the later one wins.
    const keys = this.config?.keys() ?? [];
    return keys.indexOf(name) > keys.indexOf(`profile.${name}`) ? [name, `profile.${name}`] : [`profile.${name}`, name];
  }

  private configProfile(name: string): ProfileData | undefined {
    for (const key of this.configKeys(name)) {
      const data = this.config?.values(key);
      if (data) return data;
    }
    return undefined;
  }

  profile(name: string): ProfileData | undefined {
    // The loader merges both files into a plain object, where a name its prototype has (constructor,
    // toString, __proto__...) is found already and lost: the SDK knows no such profile, nor does stsenv.
    if (name in Object.prototype) return undefined;
    if (this.merged.has(name)) return this.merged.get(name);
    const fromConfig = this.configProfile(name);
    const fromCredentials = this.credentials?.values(name);
    const data =
      fromConfig && fromCredentials ? { ...fromConfig, ...fromCredentials } : (fromConfig ?? fromCredentials);
    this.merged.set(name, data);
    return data;
  }

  /**
   * mergedNames() without a look at each header, when every header of both
   * files has a plain form (IniSections.plainProfileNames): what a Tab after
   * --profile reads, so that 3,000 profiles cost a few regular expressions.
   */
  private plainNames(): string[] | undefined {
    const fromConfig = this.config ? this.config.plainProfileNames('config') : [];
    const fromCredentials = fromConfig && this.credentials ? this.credentials.plainProfileNames('credentials') : [];
    if (!fromConfig || !fromCredentials) return undefined;
    const names = keyOrder(new Set(fromCredentials.length > 0 ? [...fromConfig, ...fromCredentials] : fromConfig));
    // A name the prototype of the loader's objects has is lost in them (see profile()): looked for in all the names at once.
    prototypeNames ??= new RegExp(`(?:^|\\n)(?:${Object.getOwnPropertyNames(Object.prototype).join('|')})(?:\\n|$)`);
    return prototypeNames.test(names.join('\n')) ? names.filter((name) => !(name in Object.prototype)) : names;
  }

  /** Every name the loader's merged object has, sso-session and services sections included. */
  private mergedNames(): string[] {
    const names = new Set<string>();
    const configKeys = this.config?.keys() ?? [];
    if (configKeys.includes('default')) names.add('default');
    for (const key of configKeys) {
      const name = configName(key);
      if (name !== undefined && !(name in Object.prototype)) names.add(name);
    }
    // The credentials file's names: its keys() has left out those of the prototype.
    for (const key of this.credentials?.keys() ?? []) names.add(key);
    return keyOrder(names);
  }

  profileNames(): string[] {
    const names = this.plainNames() ?? this.mergedNames();
    // Looked for in all the names at once: most configs have no such section.
    return /(?:^|\n)(?:sso-session|services)\./.test(names.join('\n'))
      ? names.filter((name) => !isNotProfile(name))
      : names;
  }

  ssoSession(name: string): ProfileData | undefined {
    return this.config?.values(`${SSO_SESSION}${name}`);
  }

  ssoSessionNames(): string[] {
    return (this.config?.keys() ?? [])
      .filter((key) => key.startsWith(SSO_SESSION))
      .map((key) => key.slice(SSO_SESSION.length));
  }

  allProfiles(): Profiles {
    this.config?.indexAll();
    this.credentials?.indexAll();
    return Object.fromEntries(this.mergedNames().map((name) => [name, this.profile(name)!]));
  }

  allSsoSessions(): Profiles {
    this.config?.indexAll();
    return Object.fromEntries(this.ssoSessionNames().map((name) => [name, this.ssoSession(name)!]));
  }

  sdkFiles(start: readonly string[]): Array<{ path: string; text: string }> {
    const profiles = new Set<string>();
    const configKeys = new Set<string>();
    const pending = [...start];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (profiles.has(name)) continue;
      profiles.add(name);
      for (const key of this.configKeys(name)) configKeys.add(key);
      const data = this.profile(name);
      if (data?.source_profile) pending.push(data.source_profile);
      if (data?.sso_session) configKeys.add(`${SSO_SESSION}${data.sso_session}`);
      if (data?.services) configKeys.add(`services.${data.services}`);
    }
    return [
      { path: this.configPath, text: this.config?.excerpt(configKeys) ?? '' },
      { path: this.credentialsPath, text: this.credentials?.excerpt(profiles) ?? '' },
    ];
  }
}

/** Read once per run: the environment object is the run's (a Context's). */
const loaded = new WeakMap<NodeJS.ProcessEnv, { files?: SharedConfig; error?: unknown }>();

/** Both files, read and checked on first use in a run (the config file first); an error is the run's at every use. */
export function sharedConfig(env: NodeJS.ProcessEnv): SharedConfig {
  let entry = loaded.get(env);
  if (!entry) {
    try {
      const configPath = configFilePath(env);
      const config = readSections(env, configPath, 'AWS config file', 'AWS_CONFIG_FILE');
      const credentialsPath = credentialsFilePath(env);
      const credentials = readSections(env, credentialsPath, 'AWS credentials file', 'AWS_SHARED_CREDENTIALS_FILE');
      entry = { files: new LoadedFiles(configPath, config, credentialsPath, credentials) };
    } catch (error) {
      entry = { error };
    }
    loaded.set(env, entry);
  }
  if (entry.error !== undefined) throw entry.error;
  return entry.files!;
}

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return env.AWS_CONFIG_FILE || childPath(env.HOME || homedir(), '.aws', 'config');
}

export function credentialsFilePath(env: NodeJS.ProcessEnv): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || childPath(env.HOME || homedir(), '.aws', 'credentials');
}
