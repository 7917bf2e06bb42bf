/**
 * Short deterministic ids for passages, revisions and planned consensus codings. They are derived
 * from content, not from order or time, so the server, the page and a re-run after a restart name
 * the same disagreement the same way and live claims and stored decisions keep pointing at it.
 */

/**
 * A 64-bit hash (two 32-bit multiply–xorshift lanes, after cyrb53) of the parts, as 16 hex digits.
 * Each part is prefixed with its length, so ["ab", "c"] and ["a", "bc"] differ. Not cryptographic:
 * ids only need to be distinct among one transcript's few thousand passages.
 */
export function stableHash(parts: readonly string[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const feed = (code: number) => {
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  };
  for (const part of parts) {
    const prefix = `${part.length}:`;
    for (let i = 0; i < prefix.length; i++) feed(prefix.charCodeAt(i));
    for (let i = 0; i < part.length; i++) feed(part.charCodeAt(i));
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
