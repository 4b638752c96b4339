/**
 * The keystore's feature bundle (build.mjs): only runs that read or change
 * keys in the keystore load it, and with it the keystore's binding. The
 * engine reads keys through it; `stsenv keys` runs through it.
 */
export { readKeys } from './store.js';
export { runKeysAction } from './manage.js';
