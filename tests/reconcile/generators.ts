/**
 * Random codings for the reconciliation properties, and per-character oracles that restate the
 * definitions the slow, obvious way (one boolean per character) to check the interval algebra.
 */
import fc from 'fast-check';
import type { ReconcileCoding } from '../../shared/reconcile/index';

export const CODER_NAMES = ['ana', 'ben', 'cleo', 'dev'];
export const CODE_NAMES = ['access', 'budget', 'consent'];

export interface RandomTranscript {
  textLength: number;
  coders: string[];
  codings: ReconcileCoding[];
}

/** 1–4 coders, up to 14 codings of 3 codes anywhere in a 60-character text (dense, so passages chain). */
export const randomTranscript: fc.Arbitrary<RandomTranscript> = fc
  .record({
    coderCount: fc.integer({ min: 1, max: 4 }),
    pieces: fc.array(
      fc.record({ coder: fc.nat(3), code: fc.nat(2), start: fc.nat(55), length: fc.integer({ min: 1, max: 20 }) }),
      { maxLength: 14 },
    ),
  })
  .map(({ coderCount, pieces }) => {
    const textLength = 60;
    const coders = CODER_NAMES.slice(0, coderCount);
    const codings = pieces.map((piece, index) => ({
      id: `c${index}`,
      coder: coders[piece.coder % coderCount],
      codeId: CODE_NAMES[piece.code],
      start: piece.start,
      end: Math.min(textLength, piece.start + piece.length),
    }));
    return { textLength, coders, codings };
  });

/** The same items in a random order (a permutation drawn as sort keys). */
export function permuted<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc
    .array(fc.double({ noNaN: true }), { minLength: items.length, maxLength: items.length })
    .map((keys) => items.map((item, index) => ({ item, key: keys[index] })).sort((a, b) => a.key - b.key).map(({ item }) => item));
}

/** Which characters the ranges cover, one flag per character. */
export function characterMask(length: number, ranges: readonly { start: number; end: number }[]): boolean[] {
  const mask = new Array<boolean>(length).fill(false);
  for (const range of ranges) for (let i = range.start; i < range.end; i++) mask[i] = true;
  return mask;
}

export const maskAnd = (a: readonly boolean[], b: readonly boolean[]) => a.map((flag, i) => flag && b[i]);
export const maskOr = (a: readonly boolean[], b: readonly boolean[]) => a.map((flag, i) => flag || b[i]);
export const maskCount = (mask: readonly boolean[]) => mask.filter(Boolean).length;

/**
 * Blocks with a known outcome, far enough apart that no two blocks' codings can touch. `agreed`:
 * every coder codes the block's code, each boundary moved inward by 0 or 1 of its 30 characters
 * (overlap ratio ≥ 28/30 > 0.9); the other kinds break agreement in one coder.
 */
export type BlockKind = 'agreed' | 'boundary' | 'missing' | 'different-code' | 'extra-code';

export interface KnownBlock {
  kind: BlockKind;
  start: number;
  end: number;
}

export const knownTranscript = fc
  .record({
    coderCount: fc.integer({ min: 2, max: 4 }),
    blocks: fc.array(
      fc.record({
        kind: fc.constantFrom<BlockKind>('agreed', 'agreed', 'boundary', 'missing', 'different-code', 'extra-code'),
        code: fc.nat(2),
        odd: fc.nat(3),
        jitter: fc.array(fc.tuple(fc.nat(1), fc.nat(1)), { minLength: 4, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ coderCount, blocks }) => {
    const blockLength = 30;
    const stride = 40;
    const coders = CODER_NAMES.slice(0, coderCount);
    const codings: ReconcileCoding[] = [];
    const known: KnownBlock[] = [];
    blocks.forEach((block, b) => {
      const start = b * stride;
      const end = start + blockLength;
      const code = CODE_NAMES[block.code];
      const oddCoder = block.odd % coderCount;
      known.push({ kind: block.kind, start, end });
      coders.forEach((coder, c) => {
        const id = `b${b}-${coder}`;
        const [inStart, inEnd] = block.jitter[c];
        const normal = { id, coder, codeId: code, start: start + inStart, end: end - inEnd };
        if (c !== oddCoder || block.kind === 'agreed') codings.push(normal);
        else if (block.kind === 'boundary') codings.push({ ...normal, end: start + blockLength / 2 });
        else if (block.kind === 'different-code') codings.push({ ...normal, codeId: CODE_NAMES[(block.code + 1) % CODE_NAMES.length] });
        else if (block.kind === 'extra-code') codings.push(normal, { ...normal, id: `${id}-extra`, codeId: CODE_NAMES[(block.code + 1) % CODE_NAMES.length] });
        // 'missing': the odd coder has nothing here.
      });
    });
    return { textLength: blocks.length * stride, coders, codings, known };
  });
