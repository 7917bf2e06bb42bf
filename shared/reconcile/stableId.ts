/**
 * Short deterministic ids for passages, revisions and planned consensus codings. They are derived
 * from content, not from order or time, so the server, the page and a re-run after a restart name
 * the same disagreement the same way and live claims and stored decisions keep pointing at it.
 *
 * The hash is 64 bits (two 32-bit multiply–xorshift lanes, after cyrb53), shown as 16 hex digits.
 * Not cryptographic: ids only need to be distinct among one transcript's few thousand passages.
 */

/** Feeds strings and integers into the hash without building an intermediate string. */
export class StableHasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  private mix(value: number): void {
    this.h1 = Math.imul(this.h1 ^ value, 2654435761);
    this.h2 = Math.imul(this.h2 ^ value, 1597334677);
  }

  /** A string, preceded by its length so ["ab", "c"] and ["a", "bc"] differ. */
  string(value: string): this {
    this.mix(value.length + 0x10000);
    for (let i = 0; i < value.length; i++) this.mix(value.charCodeAt(i));
    return this;
  }

  /** An integer offset, followed by a marker no UTF-16 code unit equals, so it cannot pass for text. */
  integer(value: number): this {
    this.mix(value | 0);
    this.mix(0x1ffff);
    return this;
  }

  digest(): string {
    const h1 = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507) ^ Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    const h2 = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}
