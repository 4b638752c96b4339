/**
 * Whether the code caches the build shipped fit this process (src/code-cache.ts
 * for the bundles, src/cli/bin.ts for the entry): made by this very Node (the
 * build writes its version, platform and architecture in: V8 refuses a cache
 * from another, even the same version on another platform) under no options
 * of the user's (V8 refuses a cache made under other flags, and NODE_OPTIONS
 * or node's own arguments may carry some). A single executable says which
 * Node made its caches (sea-launcher.cjs), and takes no NODE_OPTIONS. Known
 * without a look at the disk, so that the common start reads the shipped
 * caches and nothing else.
 */
declare const STSENV_CODE_CACHE_NODE: string | undefined;

export function shippedCacheFits(): boolean {
  const here = `${process.version}-${process.platform}-${process.arch}`;
  const sea = globalThis.__stsenvSea;
  if (sea) return sea.codeCacheNode === here;
  return (
    typeof STSENV_CODE_CACHE_NODE === 'string' &&
    STSENV_CODE_CACHE_NODE === here &&
    process.execArgv.length === 0 &&
    !process.env.NODE_OPTIONS
  );
}
