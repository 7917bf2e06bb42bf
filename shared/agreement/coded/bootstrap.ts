import { alphaThresholds } from '../verdict';
import { type AgreementDiagnostic, diagnostic } from '../diagnostics';
import { type EncodedMatrix, MISSING as IMPORTED_MISSING } from './encode';
import { createSeededRandom, drawMultinomial, type SeededRandom } from '../random';
import {
  alphaMetricsFor,
  coincidenceMarginals,
  computeStatistics,
  expectedDisagreementMass,
  type StatisticsContext,
  squaredDifferences,
} from './statistics';
import { type SufficientStatistics, sumResampledRows, tabulateForResampling } from './sufficientStatistics';
import { ALPHA_INTERVAL_METHODS, type AlphaIntervalMethod, type BootstrapInterval, type BootstrapOptions } from './types';

// A module-local copy: under CommonJS transpilation (tsx, vitest) an imported binding becomes a
// getter call on every read, and this one is read for every cell when pairs are counted.
const MISSING = IMPORTED_MISSING;

export const DEFAULT_BOOTSTRAP_DRAWS = 1000;
export const DEFAULT_BOOTSTRAP_SEED = 1;
export const DEFAULT_CONFIDENCE = 0.95;
/** Whole units: pairs within a unit are not independent, and only this interval keeps them together. */
export const DEFAULT_ALPHA_INTERVAL_METHOD: AlphaIntervalMethod = 'units';
/** An interval is flagged when the statistic was undefined on more than this share of resamples. */
const MAX_UNDEFINED_SHARE = 0.05;
/** Fewer resamples than this make the 2.5 % / 97.5 % percentiles rest on a handful of draws. */
const MIN_RELIABLE_DRAWS = 1000;

export interface BootstrapOutcome {
  intervals: Record<string, BootstrapInterval>;
  diagnostics: AgreementDiagnostic[];
}

/**
 * Percentile intervals. Every statistic, alpha included by default: resample units with replacement
 * and recompute it (for alpha both D_o and D_e). With `alphaMethod: 'hayes_krippendorff'`, alpha
 * instead resamples the pairable value pairs (a pair from unit u weighs 1/(m_u − 1)) and recomputes
 * D_o with D_e held fixed (Hayes & Krippendorff 2007); its draws come first from the generator, so
 * that option gives the same intervals as before units became the default.
 */
export function bootstrapIntervals(
  encoded: EncodedMatrix,
  suff: SufficientStatistics,
  context: StatisticsContext,
  statistics: Record<string, number | null>,
  options: BootstrapOptions,
): BootstrapOutcome {
  const draws = options.draws ?? DEFAULT_BOOTSTRAP_DRAWS;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`bootstrap draws must be a positive integer, got ${draws}.`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrap confidence must be between 0 and 1, got ${confidence}.`);
  const alphaMethod = options.alphaMethod ?? DEFAULT_ALPHA_INTERVAL_METHOD;
  if (!ALPHA_INTERVAL_METHODS.includes(alphaMethod)) {
    throw new RangeError(`bootstrap alphaMethod must be ${ALPHA_INTERVAL_METHODS.join(' or ')}, got "${alphaMethod}".`);
  }

  const intervals: Record<string, BootstrapInterval> = {};
  const diagnostics: AgreementDiagnostic[] = [];
  const record = (key: string, samples: number[], method: BootstrapInterval['method'], withThresholds: boolean) => {
    const sorted = samples.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
    if (sorted.length === 0) {
      diagnostics.push(
        diagnostic('bootstrap_degenerate', 'warning', `${key}: undefined on every resample, so no interval can be given.`, {
          statistics: [key],
        }),
      );
      return;
    }
    const tail = (1 - confidence) / 2;
    const interval: BootstrapInterval = {
      lower: quantile(sorted, tail),
      upper: quantile(sorted, 1 - tail),
      draws: sorted.length,
      requestedDraws: draws,
      confidence,
      method,
      seed,
    };
    if (withThresholds) {
      const below = (threshold: number) => sorted.filter((value) => value < threshold).length / sorted.length;
      interval.probabilityBelow = { '0.667': below(alphaThresholds.tentative), '0.800': below(alphaThresholds.reliable) };
    }
    intervals[key] = interval;
    const undefinedShare = 1 - sorted.length / draws;
    if (undefinedShare > MAX_UNDEFINED_SHARE) {
      diagnostics.push(
        diagnostic(
          'bootstrap_degenerate',
          'warning',
          `${key}: undefined on ${(undefinedShare * 100).toFixed(1)}% of resamples; its interval rests on the ${sorted.length} resamples where it was defined.`,
          { statistics: [key], value: undefinedShare, measure: 'undefined_share' },
        ),
      );
    }
  };

  const random = createSeededRandom(seed);
  const alphaByPairs = alphaMethod === 'hayes_krippendorff';
  if (alphaByPairs) {
    for (const [key, samples] of resampleAlphaPairs(encoded, suff, context, statistics, draws, random)) {
      record(key, samples, 'hayes_krippendorff_pairs', true);
    }
  }
  for (const [key, samples] of resampleUnits(encoded, context, statistics, draws, random, !alphaByPairs)) {
    record(key, samples, 'unit_resampling', isAlpha(key));
  }

  if (draws < MIN_RELIABLE_DRAWS) {
    diagnostics.push(
      diagnostic(
        'bootstrap_degenerate',
        'info',
        `Only ${draws} bootstrap resamples were drawn; the interval ends rest on few draws. Use at least ${MIN_RELIABLE_DRAWS}.`,
        { value: draws, measure: 'draws' },
      ),
    );
  }
  return { intervals, diagnostics };
}

/** R's default (type 7) quantile of sorted values. */
function quantile(sorted: number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function resampleAlphaPairs(
  encoded: EncodedMatrix,
  suff: SufficientStatistics,
  context: StatisticsContext,
  statistics: Record<string, number | null>,
  draws: number,
  random: SeededRandom,
): Map<string, number[]> {
  const results = new Map<string, number[]>();
  const q = suff.categoryCount;
  const m = suff.coderCount;
  const metrics = alphaMetricsFor(context.level, context.allValuesNonNegative).filter(
    (metric) => typeof statistics[`kripp_alpha_${metric}`] === 'number',
  );
  if (metrics.length === 0) return results;

  // Pair types: (values in the unit m_u, unordered category pair c ≤ k). All pairs of a type weigh
  // 1/(m_u − 1) and carry the same δ², so resampling pairs is a multinomial draw over the types.
  const typeIndex = (valueCount: number, c: number, k: number) => ((valueCount - 2) * q + c) * q + k;
  const typeCounts = new Float64Array((m - 1) * q * q);
  const countInUnit = new Int32Array(q);
  for (let unit = 0; unit < encoded.unitCount; unit++) {
    let valueCount = 0;
    for (let coder = 0; coder < m; coder++) {
      const code = encoded.codes[unit * m + coder];
      if (code === MISSING) continue;
      countInUnit[code]++;
      valueCount++;
    }
    if (valueCount >= 2) {
      for (let c = 0; c < q; c++) {
        if (countInUnit[c] === 0) continue;
        typeCounts[typeIndex(valueCount, c, c)] += (countInUnit[c] * (countInUnit[c] - 1)) / 2;
        for (let k = c + 1; k < q; k++) typeCounts[typeIndex(valueCount, c, k)] += countInUnit[c] * countInUnit[k];
      }
    }
    countInUnit.fill(0);
  }
  let pairCount = 0;
  for (const count of typeCounts) pairCount += count;

  const marginals = coincidenceMarginals(suff.coincidence, q);
  let pairableValues = 0;
  for (const value of marginals) pairableValues += value;
  const deltas = metrics.map((metric) => squaredDifferences(metric, context.numericValues, marginals));
  // D_e is held at its value in the data (Hayes & Krippendorff 2007).
  const expectedDisagreement = deltas.map(
    (delta) => expectedDisagreementMass(marginals, delta) / (pairableValues * (pairableValues - 1)),
  );
  const samples = metrics.map(() => [] as number[]);
  const drawn = new Float64Array(typeCounts.length);
  for (let draw = 0; draw < draws; draw++) {
    drawMultinomial(random, pairCount, typeCounts, drawn);
    let weightSum = 0;
    const weightedDisagreement = new Float64Array(metrics.length);
    for (let valueCount = 2; valueCount <= m; valueCount++) {
      const pairWeight = 1 / (valueCount - 1);
      for (let c = 0; c < q; c++) {
        for (let k = c; k < q; k++) {
          const count = drawn[typeIndex(valueCount, c, k)];
          if (count === 0) continue;
          weightSum += count * pairWeight;
          for (let i = 0; i < metrics.length; i++) weightedDisagreement[i] += count * pairWeight * deltas[i][c * q + k];
        }
      }
    }
    // D_o = Σ_pairs w δ² / Σ_pairs w, the coincidence-matrix D_o written over unordered pairs.
    for (let i = 0; i < metrics.length; i++) {
      samples[i].push(1 - weightedDisagreement[i] / weightSum / expectedDisagreement[i]);
    }
  }
  metrics.forEach((metric, i) => {
    results.set(`kripp_alpha_${metric}`, samples[i]);
  });
  return results;
}

const isAlpha = (key: string) => key.startsWith('kripp_alpha_');

function resampleUnits(
  encoded: EncodedMatrix,
  context: StatisticsContext,
  statistics: Record<string, number | null>,
  draws: number,
  random: SeededRandom,
  includeAlpha: boolean,
): Map<string, number[]> {
  // Coefficients only: Pa/Pe parts and conventional values are not estimates of their own.
  const keys = Object.keys(statistics).filter(
    (key) =>
      typeof statistics[key] === 'number' &&
      (includeAlpha || !isAlpha(key)) &&
      !key.endsWith('_pa') &&
      !key.endsWith('_pe') &&
      !key.endsWith('_by_convention'),
  );
  const results = new Map(keys.map((key) => [key, [] as number[]]));
  if (keys.length === 0) return results;
  // The statistics are linear in the units' multiplicities and a unit enters them only through its
  // row of codes, so a resample is summed over distinct rows (see tabulateForResampling). The draws
  // are the same as a unit-by-unit resample: one uniform unit per slot, in order.
  const table = tabulateForResampling(encoded, context.agreementWeights);
  const unitCount = encoded.unitCount;
  const drawnUnits = new Int32Array(unitCount);
  const rowMultiplicity = new Int32Array(table.rowCount);
  for (let draw = 0; draw < draws; draw++) {
    random.fillInts(unitCount, drawnUnits);
    rowMultiplicity.fill(0);
    for (let i = 0; i < unitCount; i++) rowMultiplicity[table.rowOfUnit[drawnUnits[i]]]++;
    const resampled = sumResampledRows(table, rowMultiplicity);
    const { statistics: resampledStatistics } = computeStatistics(resampled, context);
    for (const key of keys) {
      const value = resampledStatistics[key];
      (results.get(key) as number[]).push(typeof value === 'number' ? value : Number.NaN);
    }
  }
  return results;
}
