/**
 * Where SSO tokens are cached (~/.aws/sso/cache, shared with the AWS CLI and
 * the SDKs), and that folder held to the rule of files/trust.ts: a token
 * another user could swap in would sign us in as whoever they chose. Kept
 * apart from token-cache.ts so that the STS calls can check the folder
 * before the SDK reads it, without loading the token code.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { homedir } from '../lazy-os.js';
import { dirname, join } from 'node:path';
import type { LocalProcess } from '../context.js';
import { failure } from '../errors.js';
import { fileProblem, folderProblem } from '../files/trust.js';

/** The home directory as the SDK's getHomeDir finds it (HOME, USERPROFILE, HOMEDRIVE+HOMEPATH). */
export function ssoCacheDirectory(env: NodeJS.ProcessEnv): string {
  const home =
    env.HOME || env.USERPROFILE || (env.HOMEPATH ? `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}` : '') || homedir();
  return join(home, '.aws', 'sso', 'cache');
}

/** Fails (exit 1) when the cache folder, or the one holding it, is not to be trusted; a missing one is fine. */
export function checkSsoCacheFolder(dir: string, local: LocalProcess): void {
  for (const folder of [dir, dirname(dir)]) {
    const problem = folderProblem(folder, local);
    if (problem)
      throw failure(`not using the SSO cache: ${folder} ${problem.why}`, {
        hint: `remove it, or make it yours with mode 700 (chmod 700 ${folder})`,
      });
  }
}

/**
 * Before the AWS SDK resolves a profile (it reads the SSO cache itself for
 * SSO profiles, and would take another user's token without a word): the
 * folder, and each token file in it, under the rule.
 */
export function checkSsoCacheForSdk(env: NodeJS.ProcessEnv, local: LocalProcess): void {
  const dir = ssoCacheDirectory(env);
  checkSsoCacheFolder(dir, local);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch {
      continue;
    }
    const problem = fileProblem(stats, local);
    if (problem?.refuse)
      throw failure(`not using the SSO cache: ${path} ${problem.why}`, {
        hint: 'remove it, then run stsenv sso login again',
      });
  }
}
