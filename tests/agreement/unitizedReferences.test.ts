/**
 * The unitized engine's fast paths against plain reference implementations written here: the 2004
 * per-code uα (one sweep over units bucketed by code, gaps never materialised, D_e without sorting
 * the gaps and with a counting sort of integer unit lengths) against the definitions evaluated over
 * every pair of pieces, and the segment sort against a comparator sort, on inputs large enough to
 * reach its merge passes.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BoundaryPiece, boundaryDistance2004 } from '../../shared/agreement/unitized/alpha2004.js';
import { sortSegmentOrder } from '../../shared/agreement/unitized/continuum.js';
import { computeUnitizedAgreement, type UnitizedInput, type UnitizedSegment } from '../../shared/agreement/unitized/index.js';

const CODES = ['a', 'b', 'c'];

/** 2–4 coders, segments anywhere (overlapping, touching, same code twice), integer or fractional positions. */
const messyInputArbitrary = fc
  .record({
    begin: fc.integer({ min: -20, max: 20 }),
    length: fc.integer({ min: 5, max: 80 }),
    fractional: fc.boolean(),
    segments: fc.array(
      fc.record({
        coder: fc.integer({ min: 0, max: 3 }),
        start: fc.double({ min: 0, max: 1, noNaN: true }),
        length: fc.double({ min: 0.01, max: 0.4, noNaN: true }),
        code: fc.integer({ min: 0, max: CODES.length - 1 }),
      }),
      { minLength: 0, maxLength: 30 },
    ),
  })
  .map(({ begin, length, fractional, segments }): UnitizedInput => {
    const at = (share: number) => begin + (fractional ? share * length : Math.round(share * length));
    const data = segments.map((s) => ({ coder: `coder${s.coder}`, start: at(s.start), end: at(Math.min(1, s.start + s.length)), code: CODES[s.code] }));
    return { continuum: { begin, end: begin + length }, data };
  });

/** One coder's units of one code, same-code overlaps merged, then the binary tiling with its gaps. */
function referenceTiling(segments: readonly UnitizedSegment[], begin: number, end: number): BoundaryPiece[] {
  const units = segments
    .map((s) => ({ start: Math.max(s.start, begin), end: Math.min(s.end, end) }))
    .filter((s) => s.end > s.start)
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const merged: Array<{ start: number; end: number }> = [];
  for (const unit of units) {
    const last = merged[merged.length - 1];
    if (last && unit.start < last.end) last.end = Math.max(last.end, unit.end);
    else merged.push({ ...unit });
  }
  const pieces: BoundaryPiece[] = [];
  let cursor = begin;
  for (const unit of merged) {
    if (unit.start > cursor) pieces.push({ start: cursor, end: unit.start, coded: false });
    pieces.push({ ...unit, coded: true });
    cursor = unit.end;
  }
  if (cursor < end) pieces.push({ start: cursor, end, coded: false });
  return pieces;
}

/** Krippendorff (2004, §11.6) for one code, every δ² over every pair of pieces and D_e as a double sum. */
function referenceAlpha2004(input: UnitizedInput, code: string) {
  const { begin, end } = input.continuum;
  const length = end - begin;
  const coders = [...new Set(input.data.map((s) => s.coder))].sort();
  const tilings = coders.map((coder) => referenceTiling(input.data.filter((s) => s.coder === coder && s.code === code), begin, end));
  const m = tilings.length;
  let distanceSum = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i === j) continue;
      for (const g of tilings[i]) for (const h of tilings[j]) distanceSum += boundaryDistance2004(g, h);
    }
  }
  const observed = distanceSum / (m * (m - 1) * length * length);
  const units = tilings.flat().filter((p) => p.coded).map((p) => p.end - p.start);
  const gaps = tilings.flat().filter((p) => !p.coded).map((p) => p.end - p.start);
  let numerator = 0;
  for (const l of units) {
    let fitting = 0;
    for (const gap of gaps) if (gap >= l) fitting += gap - l + 1;
    numerator += ((units.length - 1) * (2 * l ** 3 - 3 * l ** 2 + l)) / 3 + l * l * fitting;
  }
  const denominator = m * length * (m * length - 1) - units.reduce((sum, l) => sum + l * (l - 1), 0);
  const expected = denominator > 0 ? ((2 / length) * numerator) / denominator : 0;
  return { alpha: expected > 0 ? 1 - observed / expected : null, observed, expected };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('2004 per-code uα against the definitions', () => {
  it('equals every δ² over every pair of pieces and D_e as a double sum, for every code', () => {
    fc.assert(
      fc.property(messyInputArbitrary, (input) => {
        const { statistics } = computeUnitizedAgreement(input);
        const coders = new Set(input.data.map((s) => s.coder));
        fc.pre(coders.size >= 2);
        const alpha = statistics.u_alpha_2004 as Record<string, number | null>;
        const observed = statistics.u_alpha_2004_observed_disagreement as Record<string, number>;
        const expected = statistics.u_alpha_2004_expected_disagreement as Record<string, number>;
        for (const code of statistics.codes as string[]) {
          const reference = referenceAlpha2004(input, code);
          expect(close(observed[code], reference.observed), `D_o of ${code}: ${observed[code]} vs ${reference.observed}`).toBe(true);
          expect(close(expected[code], reference.expected), `D_e of ${code}: ${expected[code]} vs ${reference.expected}`).toBe(true);
          if (reference.alpha === null) expect(alpha[code]).toBeNull();
          else expect(close(alpha[code] as number, reference.alpha), `uα of ${code}: ${alpha[code]} vs ${reference.alpha}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('segment order', () => {
  it('sortSegmentOrder is the stable comparator sort by (primary, secondary, code)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
        (keys) => {
          const primary = Float64Array.from(keys, ([p]) => p);
          const secondary = Float64Array.from(keys, ([, s]) => s);
          const codes = Int32Array.from(keys, ([, , c]) => c);
          const expected = keys.map((_, i) => i).sort((a, b) => primary[a] - primary[b] || secondary[a] - secondary[b] || codes[a] - codes[b] || a - b);
          expect(Array.from(sortSegmentOrder(primary, secondary, codes))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a report on shuffled input is identical to the report on input in document order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        // 3 coders × 150 segments each (past the 32-element insertion runs of the sort), touching,
        // overlapping and repeated codes; then a seeded shuffle of the same segments.
        let state = seed;
        const random = () => {
          state = (state * 1103515245 + 12345) % 2 ** 31;
          return state / 2 ** 31;
        };
        const data: UnitizedSegment[] = [];
        for (let coder = 0; coder < 3; coder++) {
          let cursor = 0;
          for (let s = 0; s < 150; s++) {
            const start = cursor + Math.floor(random() * 4) - 1;
            const end = Math.max(start + 1, start + Math.floor(random() * 9));
            data.push({ coder: `coder${coder}`, start: Math.max(0, start), end, code: CODES[Math.floor(random() * CODES.length)] });
            cursor = end;
          }
        }
        const continuum = { begin: 0, end: data.reduce((max, s) => Math.max(max, s.end), 0) + 3 };
        const shuffled = [...data];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        expect(computeUnitizedAgreement({ continuum, data: shuffled })).toEqual(computeUnitizedAgreement({ continuum, data }));
      }),
      { numRuns: 20 },
    );
  });
});
