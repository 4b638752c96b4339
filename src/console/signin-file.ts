/**
 * The one-time address handed to the browser as a file, where the owner of
 * a loopback client cannot be checked (not Linux): the launcher's arguments,
 * which every local user can read, then carry only the path of a file in a
 * private folder (0700, a 0600 file; on Windows the user's temp folder is
 * private by its ACL), and only the browser, run by our user, can read the
 * address in it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface SigninFile {
  /** The file:// URL of the page that sends the browser on. */
  url: string;
  /** Removes the file and its folder; never throws. */
  remove(): Promise<void>;
}

/** Text safe inside a double-quoted HTML attribute. */
function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A page that sends the browser straight on to `address`, without a referrer and with nothing else in it. */
export function redirectPage(address: string): string {
  // A JSON string with `<` escaped cannot end the script element early.
  const script = JSON.stringify(address).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${attribute(address)}">
<script>location.replace(${script});</script>
</head><body></body></html>
`;
}

/** Writes the page for `address` into a fresh private folder under the temp folder. */
export async function writeSigninFile(address: string): Promise<SigninFile> {
  const dir = await mkdtemp(join(tmpdir(), 'stsenv-console-'));
  const remove = () => rm(dir, { recursive: true, force: true }).catch(() => undefined);
  try {
    const file = join(dir, 'signin.html');
    // mkdtemp makes the folder 0700; `wx` refuses anything already there.
    await writeFile(file, redirectPage(address), { mode: 0o600, flag: 'wx' });
    return { url: pathToFileURL(file).href, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
