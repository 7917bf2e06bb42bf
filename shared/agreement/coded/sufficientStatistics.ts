import { type EncodedMatrix, MISSING } from './encode';

/**
 * Every sum the coded-unit coefficients need, gathered in one pass over the units. Each unit enters
 * with a multiplicity (1 for the data itself; 0, 1, 2, … for a bootstrap resample of units), so the
 * same pass serves the point estimates and every resample.
 */
export interface SufficientStatistics {
  categoryCount: number;
  coderCount: number;
  /** Units with at least one value. */
  ratedUnits: number;
  /** Units with at least two values (the only ones that can show agreement). */
  pairableUnits: number;
  /** Units with exactly one value (not pairable). */
  singleValueUnits: number;
  /** Σ_u Σ_k r_uk(r_uk − 1) / (r_u(r_u − 1)) over pairable units (Fleiss 1971; Gwet 2014 eq. 2.16). */
  agreementSum: number;
  /** Same with linear / quadratic agreement weights: Σ_k r_uk(r*_uk − 1), r*_uk = Σ_l w_kl r_ul (Gwet 2014 eq. 3.10). */
  linearAgreementSum: number;
  quadraticAgreementSum: number;
  /** Σ_u r_uk / r_u over rated units: Gwet's π_k numerator (Gwet 2014 eq. 2.19). */
  prevalenceSum: Float64Array;
  /** How often each category was used, over all values. */
  categoryUses: Float64Array;
  /** coder × category: how often each coder used each category (row-major). */
  coderCategoryCounts: Float64Array;
  /** Krippendorff's coincidence matrix o_ck (category × category, row-major). */
  coincidence: Float64Array;
  /** Units every coder coded (the only ones Cohen, Scott, Fleiss, Conger and Light can use). */
  completeUnits: number;
  completeAgreementSum: number;
  unanimousCompleteUnits: number;
  completeCoderCategoryCounts: Float64Array;
  /** For every coder pair g < h, the category × category table on complete units, pairs in (0,1), (0,2), … order. */
  completePairTables: Float64Array;
}

/** Agreement weights w_kl in [0, 1] (1 on the diagonal), row-major. */
export type AgreementWeights = Float64Array;

/**
 * Linear and quadratic agreement weights from the numeric category values, as irrCAC's
 * `linear.weights` / `quadratic.weights`: 1 − |x_k − x_l| / (x_max − x_min) and
 * 1 − (x_k − x_l)² / (x_max − x_min)² (Gwet 2014 §3.2). With one category the single weight is 1.
 */
export function agreementWeights(values: Float64Array): { linear: AgreementWeights; quadratic: AgreementWeights } {
  const q = values.length;
  const linear = new Float64Array(q * q);
  const quadratic = new Float64Array(q * q);
  const range = q > 0 ? values[q - 1] - values[0] : 0;
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      if (k === l || range === 0) {
        linear[k * q + l] = 1;
        quadratic[k * q + l] = 1;
        continue;
      }
      const scaled = Math.abs(values[k] - values[l]) / range;
      linear[k * q + l] = 1 - scaled;
      quadratic[k * q + l] = 1 - scaled * scaled;
    }
  }
  return { linear, quadratic };
}

export function coderPairCount(coderCount: number): number {
  return (coderCount * (coderCount - 1)) / 2;
}

export function accumulateSufficientStatistics(
  encoded: EncodedMatrix,
  weights: { linear: AgreementWeights; quadratic: AgreementWeights } | null,
  unitMultiplicity: Int32Array | null,
): SufficientStatistics {
  const q = encoded.categories.length;
  const m = encoded.coderCount;
  const pairCount = coderPairCount(m);
  const { codes, unitCount } = encoded;

  const prevalenceSum = new Float64Array(q);
  const categoryUses = new Float64Array(q);
  const coderCategoryCounts = new Float64Array(m * q);
  const coincidence = new Float64Array(q * q);
  const completeCoderCategoryCounts = new Float64Array(m * q);
  const completePairTables = new Float64Array(pairCount * q * q);
  let ratedUnits = 0;
  let pairableUnits = 0;
  let singleValueUnits = 0;
  let agreementSum = 0;
  let linearAgreementSum = 0;
  let quadraticAgreementSum = 0;
  let completeUnits = 0;
  let completeAgreementSum = 0;
  let unanimousCompleteUnits = 0;

  // Per-unit scratch: the distinct categories of the unit and their counts.
  const countInUnit = new Int32Array(q);
  const distinctInUnit = new Int32Array(m);
  const linearWeights = weights?.linear;
  const quadraticWeights = weights?.quadratic;

  for (let unit = 0; unit < unitCount; unit++) {
    const multiplicity = unitMultiplicity === null ? 1 : unitMultiplicity[unit];
    if (multiplicity === 0) continue;
    const rowStart = unit * m;
    let valueCount = 0;
    let distinctCount = 0;
    for (let coder = 0; coder < m; coder++) {
      const code = codes[rowStart + coder];
      if (code === MISSING) continue;
      valueCount++;
      if (countInUnit[code] === 0) distinctInUnit[distinctCount++] = code;
      countInUnit[code]++;
      coderCategoryCounts[coder * q + code] += multiplicity;
    }
    if (valueCount === 0) continue;
    ratedUnits += multiplicity;

    for (let d = 0; d < distinctCount; d++) {
      const k = distinctInUnit[d];
      prevalenceSum[k] += (multiplicity * countInUnit[k]) / valueCount;
      categoryUses[k] += multiplicity * countInUnit[k];
    }

    if (valueCount === 1) {
      singleValueUnits += multiplicity;
    } else {
      pairableUnits += multiplicity;
      const orderedPairs = valueCount * (valueCount - 1);
      let agreeingPairs = 0;
      let linearAgreeing = 0;
      let quadraticAgreeing = 0;
      // Krippendorff 2011, eq. for o_ck: each unit adds n_uc (n_uk − [c = k]) / (m_u − 1).
      const pairWeight = multiplicity / (valueCount - 1);
      for (let d = 0; d < distinctCount; d++) {
        const k = distinctInUnit[d];
        const countK = countInUnit[k];
        agreeingPairs += countK * (countK - 1);
        for (let e = 0; e < distinctCount; e++) {
          const l = distinctInUnit[e];
          const countL = countInUnit[l];
          const pairsKL = k === l ? countK * (countK - 1) : countK * countL;
          coincidence[k * q + l] += pairWeight * pairsKL;
          if (linearWeights && quadraticWeights) {
            linearAgreeing += linearWeights[k * q + l] * pairsKL;
            quadraticAgreeing += quadraticWeights[k * q + l] * pairsKL;
          }
        }
      }
      agreementSum += (multiplicity * agreeingPairs) / orderedPairs;
      linearAgreementSum += (multiplicity * linearAgreeing) / orderedPairs;
      quadraticAgreementSum += (multiplicity * quadraticAgreeing) / orderedPairs;

      if (valueCount === m) {
        completeUnits += multiplicity;
        completeAgreementSum += (multiplicity * agreeingPairs) / orderedPairs;
        if (distinctCount === 1) unanimousCompleteUnits += multiplicity;
        let pairIndex = 0;
        for (let g = 0; g < m; g++) {
          const codeG = codes[rowStart + g];
          completeCoderCategoryCounts[g * q + codeG] += multiplicity;
          for (let h = g + 1; h < m; h++) {
            completePairTables[(pairIndex++ * q + codeG) * q + codes[rowStart + h]] += multiplicity;
          }
        }
      }
    }

    for (let d = 0; d < distinctCount; d++) countInUnit[distinctInUnit[d]] = 0;
  }

  return {
    categoryCount: q,
    coderCount: m,
    ratedUnits,
    pairableUnits,
    singleValueUnits,
    agreementSum,
    linearAgreementSum,
    quadraticAgreementSum,
    prevalenceSum,
    categoryUses,
    coderCategoryCounts,
    coincidence,
    completeUnits,
    completeAgreementSum,
    unanimousCompleteUnits,
    completeCoderCategoryCounts,
    completePairTables,
  };
}
