import { type AgreementWeights, coderPairCount, type SufficientStatistics } from './sufficientStatistics';
import type { MeasurementLevel } from './types';

/** Why a statistic came out as 0/0; turned into plain-language diagnostics by the caller. */
export type UndefinedReason =
  | 'no_pairable_units'
  | 'no_complete_units'
  | 'no_variation'
  | 'chance_agreement_is_one'
  | 'coder_pair_undefined';

export interface StatisticsContext {
  level: MeasurementLevel;
  /** Numeric category values (sorted), or null for labels: weighted coefficients need an order. */
  numericValues: Float64Array | null;
  agreementWeights: { linear: AgreementWeights; quadratic: AgreementWeights } | null;
  /** Ratio alpha needs values ≥ 0: its metric ((c − k)/(c + k))² has no meaning across zero. */
  allValuesNonNegative: boolean;
}

export interface StatisticsOutcome {
  statistics: Record<string, number | null>;
  undefinedReasons: Map<string, UndefinedReason>;
}

export type AlphaMetric = MeasurementLevel;

/** Below this, 1 − Pe (or D_e) is treated as zero: the coefficient is 0/0, not a huge number. */
const DEGENERATE_DENOMINATOR = 1e-12;

/** The alpha metrics reported for a level: nominal data has no order, ordered data gets every metric. */
export function alphaMetricsFor(level: MeasurementLevel, allValuesNonNegative: boolean): AlphaMetric[] {
  if (level === 'nominal') return ['nominal'];
  return allValuesNonNegative ? ['nominal', 'ordinal', 'interval', 'ratio'] : ['nominal', 'ordinal', 'interval'];
}

/**
 * δ²(c, k) for every category pair (Krippendorff 2011, "metrics"). Ordinal uses the marginal
 * frequencies n_g of the ranks between c and k, not the numeric values.
 */
export function squaredDifferences(
  metric: AlphaMetric,
  values: Float64Array | null,
  marginals: Float64Array,
): Float64Array {
  const q = marginals.length;
  const delta = new Float64Array(q * q);
  if (metric === 'ordinal') {
    const cumulative = new Float64Array(q + 1);
    for (let g = 0; g < q; g++) cumulative[g + 1] = cumulative[g] + marginals[g];
    for (let c = 0; c < q; c++) {
      for (let k = c + 1; k < q; k++) {
        const between = cumulative[k + 1] - cumulative[c] - (marginals[c] + marginals[k]) / 2;
        delta[c * q + k] = between * between;
        delta[k * q + c] = between * between;
      }
    }
    return delta;
  }
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      if (c === k) continue;
      if (metric === 'nominal' || values === null) {
        delta[c * q + k] = 1;
      } else if (metric === 'interval') {
        delta[c * q + k] = (values[c] - values[k]) ** 2;
      } else {
        const sum = values[c] + values[k];
        delta[c * q + k] = sum === 0 ? 0 : ((values[c] - values[k]) / sum) ** 2;
      }
    }
  }
  return delta;
}

/** Row sums n_c of the coincidence matrix. */
export function coincidenceMarginals(coincidence: Float64Array, q: number): Float64Array {
  const marginals = new Float64Array(q);
  for (let c = 0; c < q; c++) {
    let sum = 0;
    for (let k = 0; k < q; k++) sum += coincidence[c * q + k];
    marginals[c] = sum;
  }
  return marginals;
}

/** Σ_c Σ_k n_c n_k δ²(c,k): n(n − 1)·D_e, Krippendorff 2011. */
export function expectedDisagreementMass(marginals: Float64Array, delta: Float64Array): number {
  const q = marginals.length;
  let sum = 0;
  for (let c = 0; c < q; c++) for (let k = 0; k < q; k++) sum += marginals[c] * marginals[k] * delta[c * q + k];
  return sum;
}

export function computeStatistics(suff: SufficientStatistics, context: StatisticsContext): StatisticsOutcome {
  const statistics: Record<string, number | null> = {};
  const undefinedReasons = new Map<string, UndefinedReason>();
  const q = suff.categoryCount;
  const m = suff.coderCount;

  const setUndefined = (key: string, reason: UndefinedReason) => {
    statistics[key] = null;
    undefinedReasons.set(key, reason);
  };
  /** The kappa form (Pa − Pe)/(1 − Pe) with its parts stored under `_pa` / `_pe` when asked. */
  const setChanceCorrected = (key: string, pa: number, pe: number, withParts: boolean) => {
    if (withParts) {
      statistics[`${key}_pa`] = pa;
      statistics[`${key}_pe`] = pe;
    }
    if (1 - pe < DEGENERATE_DENOMINATOR) setUndefined(key, 'chance_agreement_is_one');
    else statistics[key] = (pa - pe) / (1 - pe);
  };

  // --- Krippendorff's alpha (Krippendorff 2011): α = 1 − D_o/D_e = 1 − (n − 1) Σ o_ck δ² / Σ n_c n_k δ².
  const marginals = coincidenceMarginals(suff.coincidence, q);
  let pairableValues = 0;
  for (let c = 0; c < q; c++) pairableValues += marginals[c];
  for (const metric of alphaMetricsFor(context.level, context.allValuesNonNegative)) {
    const key = `kripp_alpha_${metric}`;
    if (suff.pairableUnits === 0) {
      setUndefined(key, 'no_pairable_units');
      continue;
    }
    const delta = squaredDifferences(metric, context.numericValues, marginals);
    const expected = expectedDisagreementMass(marginals, delta);
    if (expected <= DEGENERATE_DENOMINATOR * pairableValues * pairableValues) {
      setUndefined(key, 'no_variation');
      // irr and NLTK return 1 here; kept apart so nobody mistakes the convention for a measurement.
      statistics[`${key}_by_convention`] = 1;
      continue;
    }
    let observed = 0;
    for (let i = 0; i < q * q; i++) observed += suff.coincidence[i] * delta[i];
    statistics[key] = 1 - ((pairableValues - 1) * observed) / expected;
  }

  // --- Percent agreement.
  if (suff.pairableUnits === 0) setUndefined('percent_agreement_pairwise', 'no_pairable_units');
  else statistics.percent_agreement_pairwise = suff.agreementSum / suff.pairableUnits;
  if (suff.completeUnits === 0) setUndefined('percent_agreement_unanimous_units', 'no_complete_units');
  else statistics.percent_agreement_unanimous_units = suff.unanimousCompleteUnits / suff.completeUnits;

  // --- Gwet's (2014) missing-data forms: Pa over units with ≥ 2 values, π_k over rated units (irrCAC *.raw).
  const gwetKeys = ['fleiss_kappa_gwet_missing', 'conger_kappa_gwet_missing', 'brennan_prediger', 'gwet_ac1'];
  const weighted = context.numericValues !== null;
  const ac2Keys = weighted ? ['gwet_ac2_linear', 'gwet_ac2_quadratic'] : [];
  if (suff.pairableUnits === 0) {
    for (const key of [...gwetKeys, ...ac2Keys]) {
      for (const part of ['', '_pa', '_pe']) setUndefined(`${key}${part}`, 'no_pairable_units');
    }
  } else {
    const pa = suff.agreementSum / suff.pairableUnits;
    const prevalence = new Float64Array(q);
    let sumSquares = 0;
    let heterogeneity = 0;
    for (let k = 0; k < q; k++) {
      prevalence[k] = suff.prevalenceSum[k] / suff.ratedUnits;
      sumSquares += prevalence[k] * prevalence[k];
      heterogeneity += prevalence[k] * (1 - prevalence[k]);
    }
    // Fleiss with Gwet's missing-data rule, Gwet 2014 eq. 5.8: Pe = Σ π_k².
    setChanceCorrected('fleiss_kappa_gwet_missing', pa, sumSquares, true);
    // Conger 1980 via Gwet 2014 eq. 5.13: Pe = Σ_k (p̄_k² − s²_k / r), p_gk each coder's own marginals.
    setChanceCorrected('conger_kappa_gwet_missing', pa, congerChanceAgreement(suff.coderCategoryCounts, m, q), true);
    // Brennan & Prediger 1981: Pe = 1/q with q the categories in the data.
    setChanceCorrected('brennan_prediger', pa, 1 / q, true);
    // AC1 is AC2 with identity weights, whose total T_w is q.
    setGwetAc('gwet_ac1', pa, q, heterogeneity);
    if (context.agreementWeights) {
      const { linear, quadratic } = context.agreementWeights;
      setGwetAc('gwet_ac2_linear', suff.linearAgreementSum / suff.pairableUnits, sum(linear), heterogeneity);
      setGwetAc('gwet_ac2_quadratic', suff.quadraticAgreementSum / suff.pairableUnits, sum(quadratic), heterogeneity);
    }
  }

  // --- Complete-data coefficients (irr's kappam.*, kappa2): units with a missing value are left out listwise.
  const completeKeys = ['fleiss_kappa', 'conger_kappa', 'light_kappa'];
  const twoCoderKeys = m === 2 ? ['scott_pi', 'cohen_kappa', ...(weighted ? ['cohen_kappa_linear', 'cohen_kappa_quadratic'] : [])] : [];
  if (m < 2) return { statistics, undefinedReasons };
  if (suff.completeUnits === 0) {
    for (const key of [...completeKeys, ...twoCoderKeys]) setUndefined(key, 'no_complete_units');
    return { statistics, undefinedReasons };
  }
  const completePa = suff.completeAgreementSum / suff.completeUnits;
  const pooled = new Float64Array(q);
  for (let g = 0; g < m; g++) for (let k = 0; k < q; k++) pooled[k] += suff.completeCoderCategoryCounts[g * q + k];
  let pooledSquares = 0;
  for (let k = 0; k < q; k++) pooledSquares += (pooled[k] / (suff.completeUnits * m)) ** 2;
  // Fleiss 1971: Pe = Σ p_k² of the pooled proportions; with two coders this is Scott's (1955) π.
  setChanceCorrected('fleiss_kappa', completePa, pooledSquares, false);
  if (m === 2) setChanceCorrected('scott_pi', completePa, pooledSquares, false);
  // Davies & Fleiss 1982 ("exact" Fleiss, = Conger 1980): Pe from each coder's own marginals.
  setChanceCorrected('conger_kappa', completePa, congerChanceAgreement(suff.completeCoderCategoryCounts, m, q), false);

  // Light 1971: the mean of Cohen's kappa over all coder pairs; undefined if any pair's kappa is.
  let lightSum = 0;
  let lightDefined = true;
  for (let pair = 0; pair < coderPairCount(m); pair++) {
    const table = suff.completePairTables.subarray(pair * q * q, (pair + 1) * q * q);
    const kappa = cohenKappa(table, q, 'unweighted');
    if (kappa === null) lightDefined = false;
    else lightSum += kappa;
    if (pair === 0 && m === 2) {
      if (kappa === null) setUndefined('cohen_kappa', 'chance_agreement_is_one');
      else statistics.cohen_kappa = kappa;
      if (weighted) {
        for (const scheme of ['linear', 'quadratic'] as const) {
          const weightedKappa = cohenKappa(table, q, scheme);
          if (weightedKappa === null) setUndefined(`cohen_kappa_${scheme}`, 'chance_agreement_is_one');
          else statistics[`cohen_kappa_${scheme}`] = weightedKappa;
        }
      }
    }
  }
  if (lightDefined) statistics.light_kappa = lightSum / coderPairCount(m);
  else setUndefined('light_kappa', 'coder_pair_undefined');

  return { statistics, undefinedReasons };

  /**
   * Gwet's AC1/AC2 (Gwet 2008; 2014 eq. 4.3 / 4.12): Pe = T_w/(q(q − 1)) Σ π_k(1 − π_k), with T_w = q for AC1.
   * With a single category irrCAC (and Gwet) take AC = 1: every coder agrees and nothing can be due to chance.
   */
  function setGwetAc(key: string, pa: number, totalWeight: number, heterogeneity: number) {
    if (q < 2) {
      statistics[`${key}_pa`] = pa;
      statistics[`${key}_pe`] = 1;
      statistics[key] = 1;
      return;
    }
    setChanceCorrected(key, pa, (totalWeight * heterogeneity) / (q * (q - 1)), true);
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * Chance agreement from each coder's own marginal proportions p_gk (Conger 1980; Gwet 2014 eq. 5.13):
 * Pe = Σ_k [(Σ_g p_gk)² − Σ_g p_gk²] / (r(r − 1)), the same as Davies & Fleiss (1982) on complete data.
 */
function congerChanceAgreement(coderCategoryCounts: Float64Array, coderCount: number, q: number): number {
  const columnSum = new Float64Array(q);
  const columnSquares = new Float64Array(q);
  for (let g = 0; g < coderCount; g++) {
    let ratedByCoder = 0;
    for (let k = 0; k < q; k++) ratedByCoder += coderCategoryCounts[g * q + k];
    if (ratedByCoder === 0) continue;
    for (let k = 0; k < q; k++) {
      const proportion = coderCategoryCounts[g * q + k] / ratedByCoder;
      columnSum[k] += proportion;
      columnSquares[k] += proportion * proportion;
    }
  }
  let pe = 0;
  for (let k = 0; k < q; k++) pe += columnSum[k] * columnSum[k] - columnSquares[k];
  return pe / (coderCount * (coderCount - 1));
}

/**
 * Cohen's kappa on one coder pair's table (Cohen 1960; weighted, Cohen 1968): κ_w = 1 − Σ v O / Σ v E
 * with disagreement weights v on the *index positions* of the categories the pair used (irr kappa2,
 * sklearn): linear |i − j|/(q − 1), quadratic (i − j)²/(q − 1)². Null when it is 0/0.
 */
export function cohenKappa(table: Float64Array, q: number, scheme: 'unweighted' | 'linear' | 'quadratic'): number | null {
  const rowTotals = new Float64Array(q);
  const columnTotals = new Float64Array(q);
  let total = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      const count = table[c * q + k];
      rowTotals[c] += count;
      columnTotals[k] += count;
      total += count;
    }
  }
  if (total === 0) return null;
  const position = new Int32Array(q);
  let used = 0;
  for (let c = 0; c < q; c++) {
    position[c] = used;
    if (rowTotals[c] > 0 || columnTotals[c] > 0) used++;
  }
  let observedDisagreement = 0;
  let expectedDisagreement = 0;
  for (let c = 0; c < q; c++) {
    if (rowTotals[c] === 0 && columnTotals[c] === 0) continue;
    for (let k = 0; k < q; k++) {
      if (c === k || (rowTotals[k] === 0 && columnTotals[k] === 0)) continue;
      const steps = Math.abs(position[c] - position[k]) / (used - 1);
      const weight = scheme === 'unweighted' ? 1 : scheme === 'linear' ? steps : steps * steps;
      observedDisagreement += weight * table[c * q + k];
      expectedDisagreement += (weight * rowTotals[c] * columnTotals[k]) / total;
    }
  }
  if (expectedDisagreement < DEGENERATE_DENOMINATOR * total) return null;
  return 1 - observedDisagreement / expectedDisagreement;
}
