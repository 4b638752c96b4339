/**
 * What `stsenv keys` does (src/commands/keys.ts parses it): add, import,
 * list and rm. In the keystore's feature bundle, so that no other command
 * carries it; the engine's check of keys and the credentials file's writer
 * are handed in by the command (each lives in a bundle of its own).
 */
import { readSync } from 'node:fs';
import { credentialsFilePath, sharedConfig } from '../config/shared-files.js';
import type { Context } from '../context.js';
import { isTerminal } from '../descriptors.js';
import type { Credentials } from '../credentials.js';
import { failure, StsenvError, usageError } from '../errors.js';
import { MAX_BYTES, readTrusted } from '../files/trust.js';
import { backendName, listKeys, removeKeys, storeKeys } from './store.js';
import { ACCESS_KEY_ID, shortKeyId, type StoredKeys } from './stored-keys.js';
import { askOnTerminal } from './terminal-questions.js';

export interface KeysAction {
  action: 'add' | 'import' | 'list' | 'rm';
  profile?: string;
  all?: boolean;
  json?: boolean;
}

/** What `keys import` needs from other bundles. */
export interface ImportTools {
  /** GetCallerIdentity signed with the keys: the ARN they belong to. */
  verify(keys: Credentials, profile: string): Promise<{ arn: string }>;
  sectionKeys(text: string): Map<string, Record<string, string>>;
  removeSectionKeys(text: string, name: string): string;
  updateCredentialsFile(io: Context, purpose: string, edit: (text: string) => string | undefined): Promise<string>;
}

/** Everything on stdin (a pipe or a file): keys add's two lines, at most 64 KiB read. */
function readStdin(): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(4096);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw failure(`cannot read the keys from stdin (${code ?? 'error'})`);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
    if (total > 65_536)
      throw usageError(
        'stdin holds more than two lines of keys',
        'give the access key id on the first line and the secret on the second',
      );
  }
  return Buffer.concat(chunks).toString('utf8');
}

function checkKeys(id: string, secret: string): StoredKeys {
  if (!ACCESS_KEY_ID.test(id))
    throw usageError(
      'the access key id is not one (16 to 128 capital letters and digits, AKIA...)',
      'give the access key id on the first line, the secret on the second',
    );
  if (id.startsWith('ASIA'))
    throw usageError(
      `${id} is a temporary key (ASIA...); the keystore holds long-term keys`,
      "give an IAM user's access key (AKIA...)",
    );
  if (!/^[\x21-\x7e]{16,256}$/.test(secret))
    throw usageError(
      'the secret access key is missing or is not one (printable characters, no spaces)',
      'give the secret on the second line',
    );
  return { accessKeyId: id, secretAccessKey: secret };
}

/** The key id and secret: asked on the terminal (the secret not echoed), or two lines of stdin. Never an argument or a variable. */
async function keysToAdd(profile: string, ctx: Context): Promise<StoredKeys> {
  let id: string | undefined;
  let secret: string | undefined;
  if (isTerminal(0)) {
    const answers = await askOnTerminal(ctx.platform, [
      { prompt: `Access key id for profile '${profile}': `, secret: false },
      { prompt: 'Secret access key (not shown): ', secret: true },
    ]);
    if (!answers) throw usageError('keys add needs a terminal to ask on, or the keys on stdin');
    [id, secret] = answers;
  } else {
    [id, secret] = readStdin().split(/\r?\n/);
  }
  return checkKeys(id?.trim() ?? '', secret?.trim() ?? '');
}

function needProfile(request: KeysAction): string {
  const profile = request.profile;
  if (profile === undefined || profile === '')
    throw usageError(`keys ${request.action} needs a profile`, `stsenv keys ${request.action} PROFILE`);
  if (/[\u0000-\u001f\u007f-\u009f[\]]/.test(profile))
    throw usageError('the profile name has a character a profile name cannot have');
  return profile;
}

async function add(request: KeysAction, ctx: Context): Promise<number> {
  const profile = needProfile(request);
  const keys = await keysToAdd(profile, ctx);
  const where = await storeKeys(profile, keys, ctx);
  ctx.stderr.write(
    `stsenv: stored the keys of profile '${profile}' (access key ${shortKeyId(keys.accessKeyId)}) in ${where}\n`,
  );
  if (sharedConfig(ctx.env).profile(profile)?.aws_access_key_id) {
    ctx.warn(
      `profile '${profile}' also has keys in the AWS config or credentials file, which come first; stsenv keys import ${profile} moves them out of the credentials file`,
    );
  }
  return 0;
}

async function rm(request: KeysAction, ctx: Context): Promise<number> {
  const profile = needProfile(request);
  const where = await removeKeys(profile, ctx);
  if (!where)
    throw usageError(
      `profile '${profile}' has no keys in the keystore`,
      'stsenv keys list shows the profiles that have',
    );
  ctx.stderr.write(`stsenv: removed the keys of profile '${profile}' from ${where}\n`);
  return 0;
}

/** The profiles and where their keys are, never a secret; the key id shortened. */
function list(request: KeysAction, ctx: Context): number {
  if (request.profile !== undefined) throw usageError('keys list takes no profile');
  const rows = listKeys(ctx).map((row) => ({
    profile: row.profile,
    accessKeyId: shortKeyId(row.accessKeyId),
    store: backendName(row.backend, ctx),
  }));
  if (request.json) {
    ctx.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    ctx.stderr.write('stsenv: no profile has keys in the keystore (stsenv keys add PROFILE puts some there)\n');
    return 0;
  }
  ctx.stdout.write(rows.map((row) => `${row.profile}\t${row.accessKeyId}\t${row.store}\n`).join(''));
  return 0;
}

/**
 * Moves each profile's keys from the credentials file into the keystore: verified first
 * (GetCallerIdentity), stored and read back, and only then removed from the file. A profile
 * that fails any step is left as it was, and said; the others are moved.
 */
async function importKeys(request: KeysAction, ctx: Context, tools: ImportTools): Promise<number> {
  if (request.all && request.profile !== undefined) throw usageError('keys import takes a profile or --all, not both');
  const file = credentialsFilePath(ctx.env);
  const { text, problem } = readTrusted(file, ctx.local, MAX_BYTES.sharedFile);
  if (problem?.refuse) throw failure(`refusing to read ${file}: it ${problem.why}`);
  const sections = tools.sectionKeys(text ?? '');
  // --all takes long-term keys only: a section of session credentials (--write-profile's) is not a candidate.
  const longTerm = (keys: Record<string, string>) =>
    Boolean(
      keys.aws_access_key_id && keys.aws_secret_access_key && !keys.aws_session_token && !keys.aws_security_token,
    );
  const names = request.all
    ? [...sections].filter(([, keys]) => longTerm(keys)).map(([name]) => name)
    : [needProfile(request)];
  if (names.length === 0) throw usageError(`${file} has no profile with long-term keys to import`);
  let failed = 0;
  for (const name of names) {
    const keys = sections.get(name);
    const left = (why: string) => {
      failed++;
      ctx.warn(`profile '${name}' left in ${file}: ${why}`);
    };
    if (!keys?.aws_access_key_id || !keys.aws_secret_access_key) {
      left('it has no aws_access_key_id and aws_secret_access_key there');
      continue;
    }
    if (keys.aws_session_token || keys.aws_security_token) {
      left('its keys are session credentials (aws_session_token), not long-term keys');
      continue;
    }
    try {
      const stored = checkKeys(keys.aws_access_key_id, keys.aws_secret_access_key);
      const who = await tools.verify(stored, name);
      ctx.debug(`keys of profile '${name}' verified as ${who.arn}`);
      const where = await storeKeys(name, stored, ctx);
      // Removed only if the file still holds the keys just stored: a change meanwhile is kept.
      await tools.updateCredentialsFile(ctx, 'keys import', (current) => {
        const now = tools.sectionKeys(current).get(name);
        if (now?.aws_access_key_id !== stored.accessKeyId || now.aws_secret_access_key !== stored.secretAccessKey)
          return undefined;
        return tools.removeSectionKeys(current, name);
      });
      ctx.stderr.write(
        `stsenv: moved the keys of profile '${name}' (access key ${shortKeyId(stored.accessKeyId)}, ${who.arn}) from ${file} to ${where}\n`,
      );
    } catch (error) {
      if (!(error instanceof StsenvError)) throw error;
      left(`${error.message}${error.hint ? ` (${error.hint})` : ''}`);
    }
  }
  if (failed > 0)
    throw failure(`${failed} of ${names.length} ${names.length === 1 ? 'profile was' : 'profiles were'} not imported`, {
      hint: 'see the lines above',
    });
  return 0;
}

export async function runKeysAction(
  request: KeysAction,
  ctx: Context,
  importTools: () => Promise<ImportTools>,
): Promise<number> {
  switch (request.action) {
    case 'add':
      return add(request, ctx);
    case 'import':
      return importKeys(request, ctx, await importTools());
    case 'rm':
      return rm(request, ctx);
    case 'list':
      return list(request, ctx);
  }
}
