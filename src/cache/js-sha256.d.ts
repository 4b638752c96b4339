// js-sha256's plain JavaScript build (build/sha256.cjs), which src/cache/key.ts uses: the
// package's own entry for Node hands the hash to node:crypto.
declare module 'js-sha256/build/sha256.cjs' {
  /** Hex SHA-256 of `message`'s bytes. */
  const sha256: (message: Uint8Array) => string;
  export default sha256;
}
