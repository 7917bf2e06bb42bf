/** The content hash behind passage ids, revisions and planned consensus ids. */
import { describe, expect, it } from 'vitest';
import { StableHasher } from '../../shared/reconcile/stableId';

const hashOf = (feed: (hasher: StableHasher) => StableHasher) => feed(new StableHasher()).digest();

describe('stable hash', () => {
  it('is 16 hex digits, the same for the same parts, and tells apart parts that concatenate alike', () => {
    expect(hashOf((h) => h.string('c12').integer(40))).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf((h) => h.string('c12').integer(40))).toBe(hashOf((h) => h.string('c12').integer(40)));
    expect(hashOf((h) => h.string('ab').string('c'))).not.toBe(hashOf((h) => h.string('a').string('bc')));
    expect(hashOf((h) => h.integer(5))).not.toBe(hashOf((h) => h.string('5')));
    expect(hashOf((h) => h.integer(10).integer(20))).not.toBe(hashOf((h) => h.integer(20).integer(10)));
  });

  it('spreads a few thousand similar ids without a collision', () => {
    const digests = new Set<string>();
    for (let i = 0; i < 20_000; i++) digests.add(hashOf((h) => h.string(`coder1-${i}`)));
    expect(digests.size).toBe(20_000);
  });
});
