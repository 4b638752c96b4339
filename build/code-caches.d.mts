/** Trains the code caches of the bundles in `dir` with `node` (a Node binary: the one the caches are for). */
export function trainCodeCaches(dir: string, node?: string): Promise<void>;
