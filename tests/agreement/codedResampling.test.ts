/**
 * The bootstrap's fast paths against plain reference implementations written here: the summed
 * table of distinct rows against a unit-by-unit accumulation of every sufficient statistic, the
 * batched generator against one call per number, and the intervals against values pinned before the
 * fast paths existed (same seed, same random stream).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCodedAgreement } from '../../shared/agreement/coded';
import { encodeMatrix, MISSING } from '../../shared/agreement/coded/encode';
import {
  accumulateSufficientStatistics,
  agreementWeights,
  type SufficientStatistics,
  sumResampledRows,
  tabulateForResampling,
} from '../../shared/agreement/coded/sufficientStatistics';
import { createSeededRandom } from '../../shared/agreement/random';

/** Units × coders over categories 1..q with missing cells, and a multiplicity 0–3 per unit. */
const resampleArbitrary = fc
  .record({
    units: fc.integer({ min: 1, max: 40 }),
    coders: fc.integer({ min: 2, max: 5 }),
    categories: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ units, coders, categories }) =>
    fc.record({
      matrix: fc.array(
        fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 1, max: categories })), { minLength: coders, maxLength: coders }),
        { minLength: units, maxLength: units },
      ),
      multiplicity: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: units, maxLength: units }),
    }),
  );

/**
 * Every sum straight from its definition, unit by unit (see SufficientStatistics for the sources):
 * r_uk counts per unit, o_ck with weight 1/(m_u − 1), Fleiss/Gwet agreement per pairable unit.
 */
function referenceSums(matrix: (number | null)[][], multiplicity: number[]) {
  const encoded = encodeMatrix(matrix);
  const q = encoded.categories.length;
  const m = encoded.coderCount;
  const values = encoded.numericValues as Float64Array;
  const range = q > 1 ? values[q - 1] - values[0] : 0;
  const linear = (k: number, l: number) => (k === l || range === 0 ? 1 : 1 - Math.abs(values[k] - values[l]) / range);
  const quadratic = (k: number, l: number) => (k === l || range === 0 ? 1 : 1 - ((values[k] - values[l]) / range) ** 2);
  const sums = {
    ratedUnits: 0,
    pairableUnits: 0,
    singleValueUnits: 0,
    agreementSum: 0,
    linearAgreementSum: 0,
    quadraticAgreementSum: 0,
    completeUnits: 0,
    completeAgreementSum: 0,
    unanimousCompleteUnits: 0,
    prevalenceSum: new Array(q).fill(0),
    categoryUses: new Array(q).fill(0),
    coderCategoryCounts: new Array(m * q).fill(0),
    coincidence: new Array(q * q).fill(0),
    completeCoderCategoryCounts: new Array(m * q).fill(0),
    completePairTables: new Array(((m * (m - 1)) / 2) * q * q).fill(0),
  };
  for (let unit = 0; unit < encoded.unitCount; unit++) {
    const times = multiplicity[unit];
    const row = Array.from(encoded.codes.subarray(unit * m, (unit + 1) * m));
    const present = row.filter((code) => code !== MISSING);
    const n = present.length;
    if (n === 0) continue;
    const count = (k: number) => present.filter((code) => code === k).length;
    row.forEach((code, coder) => {
      if (code !== MISSING) sums.coderCategoryCounts[coder * q + code] += times;
    });
    sums.ratedUnits += times;
    for (let k = 0; k < q; k++) {
      sums.prevalenceSum[k] += (times * count(k)) / n;
      sums.categoryUses[k] += times * count(k);
    }
    if (n === 1) {
      sums.singleValueUnits += times;
      continue;
    }
    sums.pairableUnits += times;
    let agreeing = 0;
    let linearAgreeing = 0;
    let quadraticAgreeing = 0;
    for (let k = 0; k < q; k++) {
      for (let l = 0; l < q; l++) {
        const pairs = k === l ? count(k) * (count(k) - 1) : count(k) * count(l);
        sums.coincidence[k * q + l] += (times * pairs) / (n - 1);
        if (k === l) agreeing += pairs;
        linearAgreeing += linear(k, l) * pairs;
        quadraticAgreeing += quadratic(k, l) * pairs;
      }
    }
    sums.agreementSum += (times * agreeing) / (n * (n - 1));
    sums.linearAgreementSum += (times * linearAgreeing) / (n * (n - 1));
    sums.quadraticAgreementSum += (times * quadraticAgreeing) / (n * (n - 1));
    if (n < m) continue;
    sums.completeUnits += times;
    sums.completeAgreementSum += (times * agreeing) / (n * (n - 1));
    if (new Set(present).size === 1) sums.unanimousCompleteUnits += times;
    let pair = 0;
    for (let g = 0; g < m; g++) {
      sums.completeCoderCategoryCounts[g * q + row[g]] += times;
      for (let h = g + 1; h < m; h++) sums.completePairTables[(pair++ * q + row[g]) * q + row[h]] += times;
    }
  }
  return sums;
}

function expectSums(actual: SufficientStatistics, expected: ReturnType<typeof referenceSums>) {
  for (const [key, value] of Object.entries(expected)) {
    const got = actual[key as keyof SufficientStatistics];
    const expectedValues = Array.isArray(value) ? value : [value];
    const actualValues = typeof got === 'number' ? [got] : Array.from(got as Float64Array);
    expect(actualValues.length, key).toBe(expectedValues.length);
    expectedValues.forEach((e, i) => {
      expect(Math.abs(actualValues[i] - e), `${key}[${i}]: ${actualValues[i]} vs ${e}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
    });
  }
}

describe('resampling sums', () => {
  it('the unit-by-unit accumulation and the table of distinct rows both equal the reference sums', () => {
    fc.assert(
      fc.property(resampleArbitrary, ({ matrix, multiplicity }) => {
        const encoded = encodeMatrix(matrix);
        fc.pre(encoded.coderCount >= 2);
        const weights = agreementWeights(encoded.numericValues as Float64Array);
        const expected = referenceSums(matrix, multiplicity);
        expectSums(accumulateSufficientStatistics(encoded, weights, Int32Array.from(multiplicity)), expected);

        const table = tabulateForResampling(encoded, weights);
        const rowMultiplicity = new Int32Array(table.rowCount);
        multiplicity.forEach((times, unit) => {
          rowMultiplicity[table.rowOfUnit[unit]] += times;
        });
        expectSums(sumResampledRows(table, rowMultiplicity), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('fillInts returns the numbers of successive nextInt calls and leaves the generator where they would', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 200 }), (seed, bound, count) => {
        const batched = createSeededRandom(seed);
        const oneByOne = createSeededRandom(seed);
        const filled = new Int32Array(count);
        batched.fillInts(bound, filled);
        expect(Array.from(filled)).toEqual(Array.from({ length: count }, () => oneByOne.nextInt(bound)));
        expect(batched.next()).toBe(oneByOne.next());
      }),
      { numRuns: 200 },
    );
  });
});

describe('bootstrap intervals against values pinned before the distinct-row tables', () => {
  const data = Array.from({ length: 60 }, (_, unit) => [
    (unit % 4) + 1,
    unit % 7 === 0 ? ((unit + 1) % 4) + 1 : (unit % 4) + 1,
    unit % 5 === 0 ? null : unit % 9 === 0 ? ((unit + 2) % 4) + 1 : (unit % 4) + 1,
  ]);
  // Chosen explicitly since units became alpha's default: the option must keep the pinned stream.
  const { intervals } = computeCodedAgreement(data, { level: 'ordinal', bootstrap: { draws: 300, seed: 42, alphaMethod: 'hayes_krippendorff' } });

  it('Hayes & Krippendorff alpha intervals are bit for bit the same (same random stream, same sums)', () => {
    expect([intervals.kripp_alpha_nominal.lower, intervals.kripp_alpha_nominal.upper]).toEqual([0.6898321018519544, 0.8546533683863871]);
    expect([intervals.kripp_alpha_ordinal.lower, intervals.kripp_alpha_ordinal.upper]).toEqual([0.6583344770036765, 0.8944713556549783]);
    expect(intervals.kripp_alpha_ordinal.probabilityBelow).toEqual({ '0.667': 0.03333333333333333, '0.800': 0.5833333333333334 });
  });

  it('unit-resampling intervals draw the same units; only the order of floating-point sums differs', () => {
    const pinned: Record<string, [number, number]> = {
      gwet_ac1: [0.674310912102844, 0.8819314797424217],
      fleiss_kappa: [0.6684001653047488, 0.8615250850652131],
      percent_agreement_pairwise: [0.7555555555555554, 0.9111111111111111],
    };
    for (const [key, [lower, upper]] of Object.entries(pinned)) {
      expect(Math.abs(intervals[key].lower - lower), key).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(intervals[key].upper - upper), key).toBeLessThanOrEqual(1e-12);
    }
  });
});

/** R's type 7 quantile, written out again so the test does not lean on the engine's. */
function referenceQuantile(sorted: number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

describe('alpha intervals over units (the default) against a plain unit-by-unit bootstrap', () => {
  // Three coders, four ordered categories, missing cells and a few units coded by one coder only.
  const data = Array.from({ length: 45 }, (_, unit) => [
    (unit % 4) + 1,
    unit % 6 === 0 ? ((unit + 1) % 4) + 1 : (unit % 4) + 1,
    unit % 5 === 0 ? null : unit % 8 === 0 ? ((unit + 2) % 4) + 1 : (unit % 4) + 1,
  ]);
  const draws = 400;
  const seed = 11;
  const { intervals } = computeCodedAgreement(data, { level: 'interval', bootstrap: { draws, seed } });

  it('draws whole units from the same stream and recomputes D_o and D_e on each resample', () => {
    const random = createSeededRandom(seed);
    const samples: Record<string, number[]> = { kripp_alpha_ordinal: [], kripp_alpha_interval: [], gwet_ac1: [] };
    for (let draw = 0; draw < draws; draw++) {
      const resample = Array.from({ length: data.length }, () => data[random.nextInt(data.length)]);
      const { statistics } = computeCodedAgreement(resample, { level: 'interval' });
      for (const key of Object.keys(samples)) if (typeof statistics[key] === 'number') samples[key].push(statistics[key] as number);
    }
    for (const [key, values] of Object.entries(samples)) {
      const sorted = values.sort((a, b) => a - b);
      expect(intervals[key].method, key).toBe('unit_resampling');
      expect(intervals[key].draws, key).toBe(sorted.length);
      expect(Math.abs(intervals[key].lower - referenceQuantile(sorted, 0.025)), key).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(intervals[key].upper - referenceQuantile(sorted, 0.975)), key).toBeLessThanOrEqual(1e-12);
    }
    const alphas = samples.kripp_alpha_interval;
    expect(intervals.kripp_alpha_interval.probabilityBelow).toEqual({
      '0.667': alphas.filter((value) => value < 0.667).length / alphas.length,
      '0.800': alphas.filter((value) => value < 0.8).length / alphas.length,
    });
    expect(intervals.gwet_ac1.probabilityBelow).toBeUndefined();
  });

  it('gives a wider alpha interval than the Hayes & Krippendorff option when units hold three correlated values', () => {
    const pairs = computeCodedAgreement(data, { level: 'interval', bootstrap: { draws, seed, alphaMethod: 'hayes_krippendorff' } }).intervals;
    const width = (interval: { lower: number; upper: number }) => interval.upper - interval.lower;
    expect(pairs.kripp_alpha_interval.method).toBe('hayes_krippendorff_pairs');
    expect(width(intervals.kripp_alpha_interval)).toBeGreaterThan(width(pairs.kripp_alpha_interval));
  });

  it('refuses an unknown alpha interval method by name', () => {
    expect(() =>
      computeCodedAgreement(data, { bootstrap: { draws: 10, alphaMethod: 'pairs' as 'units' } }),
    ).toThrow('bootstrap alphaMethod must be units or hayes_krippendorff, got "pairs".');
  });
});
