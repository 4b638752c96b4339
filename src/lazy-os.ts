/**
 * What stsenv asks of node:os, loaded only when asked: every start would
 * otherwise pay a quarter of a millisecond to load a module that only a
 * process without HOME or USER needs.
 */
import { createRequire } from 'node:module';

function os(): typeof import('node:os') {
  return createRequire(import.meta.url)('node:os') as typeof import('node:os');
}

/** os.homedir(): for a process without HOME. */
export function homedir(): string {
  return os().homedir();
}

/** os.userInfo(): for a process without USER. */
export function userInfo(): { username: string } {
  return os().userInfo();
}
