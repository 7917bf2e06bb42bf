import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CodedMatrix, type CodedValue, computeCodedAgreement } from '../../shared/agreement/coded';

const TOLERANCE = 1e-9;

/** Units × coders matrices over categories 1..4 with missing cells; at least two coders and units. */
const matrixArbitrary = fc
  .record({ units: fc.integer({ min: 2, max: 25 }), coders: fc.integer({ min: 2, max: 5 }) })
  .chain(({ units, coders }) =>
    fc.array(fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 4 })), { minLength: coders, maxLength: coders }), {
      minLength: units,
      maxLength: units,
    }),
  );

function expectSameStatistics(actual: Record<string, number | null>, expected: Record<string, number | null>, keys?: string[]) {
  const compared = keys ?? Object.keys(expected);
  if (!keys) expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const key of compared) {
    const a = actual[key];
    const e = expected[key];
    if (e === null || a === null) expect(a, key).toBe(e);
    else expect(Math.abs(a - e), `${key}: ${a} vs ${e}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

function shuffle<T>(items: readonly T[], order: readonly number[]): T[] {
  return items.map((_, i) => ({ item: items[i], key: order[i % order.length] + i / 1000 })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

/** Textbook nominal alpha over explicit value pairs (Krippendorff 2011), independent of the coincidence code. */
function naiveNominalAlpha(matrix: CodedMatrix): number | null {
  const pairable = matrix.map((row) => row.filter((v) => v !== null)).filter((values) => values.length >= 2);
  const all = pairable.flat();
  const n = all.length;
  if (n === 0) return null;
  let observed = 0;
  for (const values of pairable) {
    let disagreeing = 0;
    for (let i = 0; i < values.length; i++) for (let j = 0; j < values.length; j++) if (i !== j && values[i] !== values[j]) disagreeing++;
    observed += disagreeing / (values.length - 1);
  }
  let expected = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && all[i] !== all[j]) expected++;
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

describe('coded agreement properties', () => {
  it('is invariant under permuting units and coders', () => {
    fc.assert(
      fc.property(matrixArbitrary, fc.array(fc.nat(100), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }), (matrix, unitOrder, coderOrder) => {
        const level = 'ordinal';
        const base = computeCodedAgreement(matrix, { level }).statistics;
        const coderPermutation = shuffle(matrix[0].map((_, i) => i), coderOrder);
        const permuted = shuffle(matrix, unitOrder).map((row) => coderPermutation.map((c) => row[c]));
        expectSameStatistics(computeCodedAgreement(permuted, { level }).statistics, base);
      }),
      { numRuns: 150 },
    );
  });

  it('is invariant under relabelling nominal categories (unweighted coefficients)', () => {
    const labels = ['delta', 'alpha', 'charlie', 'bravo'];
    fc.assert(
      fc.property(matrixArbitrary, (matrix) => {
        const base = computeCodedAgreement(matrix, { level: 'nominal' }).statistics;
        const relabelled = matrix.map((row) => row.map((v) => (v === null ? null : labels[(v as number) - 1])));
        const result = computeCodedAgreement(relabelled, { level: 'nominal' }).statistics;
        // Weighted coefficients need ordered codes, so they exist only for numbers.
        const unweighted = Object.keys(base).filter((key) => !/_(linear|quadratic)/.test(key));
        expect(Object.keys(result).sort()).toEqual(unweighted.sort());
        expectSameStatistics(result, base, unweighted);
      }),
      { numRuns: 150 },
    );
  });

  it('matches a textbook pairwise computation of nominal alpha', () => {
    fc.assert(
      fc.property(matrixArbitrary, (matrix) => {
        const expected = naiveNominalAlpha(matrix);
        const actual = computeCodedAgreement(matrix).statistics.kripp_alpha_nominal;
        if (expected === null) expect(actual).toBeNull();
        else expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(TOLERANCE);
      }),
      { numRuns: 200 },
    );
  });

  it('gives alpha = 1 (every metric) on perfect agreement with variation', () => {
    const perfect = fc
      .array(
        fc.record({ value: fc.integer({ min: 0, max: 6 }), present: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) }),
        { minLength: 2, maxLength: 30 },
      )
      .map((units) =>
        units.map(({ value, present }) => {
          const row: CodedValue[] = present.map((p) => (p ? value : null));
          row[0] = value;
          row[1] = value;
          return row;
        }),
      )
      .filter((rows) => new Set(rows.map((row) => row[0])).size >= 2);
    fc.assert(
      fc.property(perfect, (matrix) => {
        const { statistics } = computeCodedAgreement(matrix, { level: 'ratio' });
        for (const metric of ['nominal', 'ordinal', 'interval', 'ratio']) {
          expect(statistics[`kripp_alpha_${metric}`]).toBeCloseTo(1, 12);
        }
        expect(statistics.percent_agreement_pairwise).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps agreement shares in [0, 1] and every coefficient ≤ 1', () => {
    fc.assert(
      fc.property(matrixArbitrary, (matrix) => {
        const { statistics } = computeCodedAgreement(matrix, { level: 'interval' });
        for (const [key, value] of Object.entries(statistics)) {
          if (value === null) continue;
          expect(Number.isFinite(value), key).toBe(true);
          expect(value, key).toBeLessThanOrEqual(1 + 1e-12);
          if (key.startsWith('percent_agreement') || key.endsWith('_pa') || key.endsWith('_pe')) expect(value, key).toBeGreaterThanOrEqual(-1e-12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is unchanged by an all-missing unit', () => {
    fc.assert(
      fc.property(matrixArbitrary, fc.nat(), (matrix, position) => {
        const base = computeCodedAgreement(matrix, { level: 'ordinal' }).statistics;
        const padded = [...matrix];
        padded.splice(position % (matrix.length + 1), 0, matrix[0].map(() => null));
        expectSameStatistics(computeCodedAgreement(padded, { level: 'ordinal' }).statistics, base);
      }),
      { numRuns: 150 },
    );
  });

  it('equals Scott/Fleiss and Cohen/Conger/Light pairwise identities with two coders on complete data', () => {
    const complete = fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), { minLength: 3, maxLength: 40 });
    fc.assert(
      fc.property(complete, (pairs) => {
        const { statistics } = computeCodedAgreement(pairs.map(([a, b]) => [a, b]));
        expect(statistics.scott_pi).toEqual(statistics.fleiss_kappa);
        for (const key of ['conger_kappa', 'light_kappa', 'conger_kappa_gwet_missing']) {
          if (statistics.cohen_kappa === null) expect(statistics[key], key).toBeNull();
          else expect(Math.abs((statistics[key] as number) - statistics.cohen_kappa), key).toBeLessThanOrEqual(TOLERANCE);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('bootstrap intervals', () => {
  const data: CodedValue[][] = Array.from({ length: 60 }, (_, unit) => [
    (unit % 4) + 1,
    unit % 7 === 0 ? ((unit + 1) % 4) + 1 : (unit % 4) + 1,
    unit % 5 === 0 ? null : unit % 9 === 0 ? ((unit + 2) % 4) + 1 : (unit % 4) + 1,
  ]);

  it('[G4] is reproducible with the same seed and differs with another seed', () => {
    const first = computeCodedAgreement(data, { level: 'ordinal', bootstrap: { draws: 300, seed: 42 } });
    const again = computeCodedAgreement(data, { level: 'ordinal', bootstrap: { draws: 300, seed: 42 } });
    const other = computeCodedAgreement(data, { level: 'ordinal', bootstrap: { draws: 300, seed: 43 } });
    expect(again.intervals).toEqual(first.intervals);
    expect(other.intervals.kripp_alpha_ordinal).not.toEqual(first.intervals.kripp_alpha_ordinal);
    expect(other.intervals.gwet_ac1).not.toEqual(first.intervals.gwet_ac1);
  });

  it('[G4] brackets the estimate, labels the method and reports q for alpha only', () => {
    const { statistics, intervals } = computeCodedAgreement(data, { level: 'ordinal', bootstrap: { draws: 1000, seed: 7, confidence: 0.9 } });
    for (const key of ['kripp_alpha_nominal', 'kripp_alpha_ordinal', 'gwet_ac1', 'fleiss_kappa', 'percent_agreement_pairwise']) {
      const interval = intervals[key];
      expect(interval, key).toBeDefined();
      expect(interval.lower).toBeLessThanOrEqual(statistics[key] as number);
      expect(interval.upper).toBeGreaterThanOrEqual(statistics[key] as number);
      expect(interval.upper - interval.lower).toBeGreaterThan(0);
      expect(interval.confidence).toBe(0.9);
      expect(interval.draws).toBe(1000);
    }
    expect(intervals.kripp_alpha_nominal.method).toBe('unit_resampling');
    expect(intervals.kripp_alpha_nominal.probabilityBelow?.['0.800']).toBeGreaterThanOrEqual(intervals.kripp_alpha_nominal.probabilityBelow?.['0.667'] as number);
    expect(intervals.gwet_ac1.method).toBe('unit_resampling');
    expect(intervals.gwet_ac1.probabilityBelow).toBeUndefined();
    expect(intervals.gwet_ac1_pa).toBeUndefined();
  });

  it('labels the Hayes & Krippendorff interval when it is chosen and keeps the other coefficients on units', () => {
    const { intervals } = computeCodedAgreement(data, { level: 'ordinal', bootstrap: { draws: 200, seed: 7, alphaMethod: 'hayes_krippendorff' } });
    expect(intervals.kripp_alpha_ordinal.method).toBe('hayes_krippendorff_pairs');
    expect(intervals.kripp_alpha_ordinal.probabilityBelow).toBeDefined();
    expect(intervals.gwet_ac1.method).toBe('unit_resampling');
  });

  for (const alphaMethod of ['units', 'hayes_krippendorff'] as const) {
    it(`puts q = P(alpha < .667) near 1 for poor data and near 0 for excellent data (${alphaMethod})`, () => {
      const poor: CodedValue[][] = Array.from({ length: 80 }, (_, u) => [(u % 3) + 1, ((u * 7) % 3) + 1, ((u * 5 + 1) % 3) + 1]);
      const excellent: CodedValue[][] = Array.from({ length: 80 }, (_, u) => [(u % 3) + 1, (u % 3) + 1, u === 5 ? 1 : (u % 3) + 1]);
      const poorAlpha = computeCodedAgreement(poor, { bootstrap: { draws: 500, seed: 1, alphaMethod } }).intervals.kripp_alpha_nominal;
      const excellentAlpha = computeCodedAgreement(excellent, { bootstrap: { draws: 500, seed: 1, alphaMethod } }).intervals.kripp_alpha_nominal;
      expect(poorAlpha.probabilityBelow?.['0.667']).toBeGreaterThan(0.99);
      expect(excellentAlpha.probabilityBelow?.['0.667']).toBeLessThan(0.01);
    });
  }

  it('rejects a non-positive number of draws', () => {
    expect(() => computeCodedAgreement(data, { bootstrap: { draws: 0 } })).toThrow(/positive integer/);
  });
});
