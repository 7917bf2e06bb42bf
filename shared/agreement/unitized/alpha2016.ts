/**
 * The unitizing alpha family of Krippendorff, Mathet, Bouvry & Widlöcher (2016, Quality & Quantity
 * 50: 2347–2364), the version ATLAS.ti 8+ reports and Krippendorff (2019, §12.6) prints:
 *   uα    — units and their values together (nominal),
 *   |uα   — coded vs uncoded matter only ("binary"),
 *   cuα   — values where units of different observers overlap, with its coverage,
 *   (k)uα — one value k within the cuα matrices.
 *
 * Everything is computed from coincidences of *lengths*: one sweep per pair of observers over their
 * tilings (O(pieces) each), never per character.
 */

import { GAP as IMPORTED_GAP, type ObserverContinuum } from './continuum.js';

// A module-local copy: under CommonJS transpilation (tsx, vitest) an imported binding becomes a
// getter call on every read, which made the sweep loops five times slower.
const GAP = IMPORTED_GAP;

export interface UnitizedFamily2016 {
  /** uα (eq. 6 with the expected coincidences of eq. 5a). null when 0/0. */
  uAlpha: number | null;
  /** |uα: only the ∅ row of the same matrices. */
  binaryUAlpha: number | null;
  /** cuα (eqs. 10–11). null when no valued units overlap or their values never vary. */
  cuAlpha: number | null;
  /** cl.. / l..: the share of pairable length that cuα rests on. */
  cuShareOfPairableLength: number | null;
  /** (k)uα per value index ≥ 1 (eq. 13a), null when the code has no valued coincidence or 0/0. */
  kUAlpha: Array<number | null>;
  /** l_ck, already divided by m − 1, row-major over value indices (0 = ∅). */
  observedCoincidences: Float64Array;
  valueCount: number;
  observerCount: number;
  /** Σ_{c≠k} l_ck where c or k is ∅ (unitizing disagreement), and where both are valued (labels). */
  boundaryDisagreement: number;
  labelDisagreement: number;
}

/**
 * Adds each valued piece's squared covered length to T_c of its value and clears `covered`. A
 * module-level function: as a closure created inside accumulatePairs it was deoptimised on every call.
 */
function flushSelfPairing(values: Int32Array, covered: Float64Array, selfPairing: Float64Array): void {
  for (let p = 0; p < covered.length; p++) {
    if (values[p] !== GAP && covered[p] > 0) selfPairing[values[p]] += covered[p] * covered[p];
  }
  covered.fill(0);
}

/**
 * Sums, for every unordered pair of observers, the lengths of overlapping pieces into the
 * coincidence matrix (both (a,b) and (b,a), so the result is the ordered-pair sum of eq. 1), and,
 * for every valued unit g of one observer, the squared length of g covered by the *other*
 * observer's valued units (the self-pairing term T_c of eq. 10, one square per (g, other observer)).
 */
function accumulatePairs(observers: readonly ObserverContinuum[], valueCount: number) {
  const coincidences = new Float64Array(valueCount * valueCount);
  const selfPairing = new Float64Array(valueCount);
  const coveredByValued = observers.map((observer) => new Float64Array(observer.values.length));

  for (let i = 0; i < observers.length; i++) {
    for (let j = i + 1; j < observers.length; j++) {
      const { starts: startsA, ends: endsA, values: valuesA } = observers[i];
      const { starts: startsB, ends: endsB, values: valuesB } = observers[j];
      const coveredA = coveredByValued[i];
      const coveredB = coveredByValued[j];
      let pa = 0;
      let pb = 0;
      while (pa < valuesA.length && pb < valuesB.length) {
        const endA = endsA[pa];
        const endB = endsB[pb];
        const overlap = Math.min(endA, endB) - Math.max(startsA[pa], startsB[pb]);
        if (overlap > 0) {
          const va = valuesA[pa];
          const vb = valuesB[pb];
          coincidences[va * valueCount + vb] += overlap;
          coincidences[vb * valueCount + va] += overlap;
          if (vb !== GAP) coveredA[pa] += overlap;
          if (va !== GAP) coveredB[pb] += overlap;
        }
        if (endA <= endB) pa++;
        else pb++;
      }
      // T_c squares the overlap of g with observer j's valued units as a whole, then moves on to the
      // next j: flush after every pair, for both members of the pair.
      flushSelfPairing(valuesA, coveredA, selfPairing);
      flushSelfPairing(valuesB, coveredB, selfPairing);
    }
  }
  return { coincidences, selfPairing };
}

/** Σ l² over the units of each value (S_c of eq. 5a) and Σ l over gaps (S_∅: gaps count as divisible). */
function lengthMoments(observers: readonly ObserverContinuum[], valueCount: number): Float64Array {
  const moments = new Float64Array(valueCount);
  for (const observer of observers) {
    for (let p = 0; p < observer.values.length; p++) {
      const length = observer.ends[p] - observer.starts[p];
      moments[observer.values[p]] += observer.values[p] === GAP ? length : length * length;
    }
  }
  return moments;
}

/** Relative tolerance for "expected disagreement is zero" after floating-point sums of lengths. */
const ZERO_TOLERANCE = 1e-12;

export function computeUnitizedFamily2016(observers: readonly ObserverContinuum[], valueCount: number): UnitizedFamily2016 {
  const m = observers.length;
  const { coincidences: pairSums, selfPairing } = accumulatePairs(observers, valueCount);
  const observed = pairSums.map((cell) => cell / (m - 1));
  const moments = lengthMoments(observers, valueCount);

  const rowSums = new Float64Array(valueCount);
  let diagonal = 0;
  for (let c = 0; c < valueCount; c++) {
    for (let k = 0; k < valueCount; k++) rowSums[c] += observed[c * valueCount + k];
    diagonal += observed[c * valueCount + c];
  }
  const total = rowSums.reduce((sum, row) => sum + row, 0); // l.. = mL
  const momentSum = moments.reduce((sum, s) => sum + s, 0);

  // Eq. 5a: e_ck = l.. (l_c. l_.k − [c = k] S_c) / (l..² − Σ_c S_c).
  const expectedScale = total / (total * total - momentSum);
  const expectedCell = (c: number, k: number) =>
    expectedScale * (rowSums[c] * rowSums[k] - (c === k ? moments[c] : 0));
  let expectedDiagonal = 0;
  for (let c = 0; c < valueCount; c++) expectedDiagonal += expectedCell(c, c);

  // Eq. 6: uα = 1 − (l.. − Σ l_cc) / (l.. − Σ e_cc).
  const uExpected = total - expectedDiagonal;
  const uAlpha = uExpected > ZERO_TOLERANCE * total ? 1 - (total - diagonal) / uExpected : null;

  // |uα: the ∅ row alone (coded vs uncoded), same matrices.
  const gapRowExpected = expectedScale * (rowSums[GAP] * total - moments[GAP]);
  const gapDisagreementExpected = gapRowExpected - expectedCell(GAP, GAP);
  const gapDisagreementObserved = rowSums[GAP] - observed[GAP];
  const binaryUAlpha =
    gapDisagreementExpected > ZERO_TOLERANCE * total ? 1 - gapDisagreementObserved / gapDisagreementExpected : null;

  // cuα: valued cells only. cl_c = l_c. − l_c∅ (eq. 10's margins).
  const valuedRows = new Float64Array(valueCount);
  let valuedTotal = 0;
  let valuedDiagonal = 0;
  for (let c = 1; c < valueCount; c++) {
    valuedRows[c] = rowSums[c] - observed[c * valueCount + GAP];
    valuedTotal += valuedRows[c];
    valuedDiagonal += observed[c * valueCount + c];
  }
  const boundaryDisagreement = 2 * gapDisagreementObserved;
  const labelDisagreement = valuedTotal - valuedDiagonal;

  let cuAlpha: number | null = null;
  const kUAlpha: Array<number | null> = new Array(valueCount).fill(null);
  // Eq. 10: ce_ck = (cl_c cl_k − [c = k] T_c/(m − 1)) / (cl.. − Σ_c T_c / (cl.. (m − 1))). The
  // denominator is 0 when every valued coincidence is a unit paired with itself across observers
  // and nothing else (one value, one overlap): then cuα and every (k)uα are 0/0.
  const selfPairingSum = selfPairing.reduce((sum, t) => sum + t, 0);
  const cuDenominator = valuedTotal > 0 ? valuedTotal - selfPairingSum / (valuedTotal * (m - 1)) : 0;
  if (cuDenominator > ZERO_TOLERANCE * valuedTotal) {
    const cuExpectedCell = (c: number, k: number) =>
      (valuedRows[c] * valuedRows[k] - (c === k ? selfPairing[c] / (m - 1) : 0)) / cuDenominator;
    let cuExpectedDiagonal = 0;
    for (let c = 1; c < valueCount; c++) cuExpectedDiagonal += cuExpectedCell(c, c);
    // Eq. 11 (nominal δ): cuα = 1 − Σ_{c≠k} l_ck / Σ_{c≠k} ce_ck.
    const cuExpectedDisagreement = valuedTotal - cuExpectedDiagonal;
    if (cuExpectedDisagreement > ZERO_TOLERANCE * valuedTotal) cuAlpha = 1 - labelDisagreement / cuExpectedDisagreement;

    for (let k = 1; k < valueCount; k++) {
      if (valuedRows[k] <= 0) continue;
      let expectedRow = 0;
      for (let c = 1; c < valueCount; c++) expectedRow += cuExpectedCell(k, c);
      const expectedOffDiagonal = expectedRow - cuExpectedCell(k, k);
      // The self-pairing correction can drive a rarely overlapping code's expected row below zero
      // on tiny data; a negative expected total has no chance interpretation, so (k)uα is undefined
      // there rather than a value above 1.
      if (expectedRow <= ZERO_TOLERANCE * valuedTotal || expectedOffDiagonal <= ZERO_TOLERANCE * valuedTotal) continue;
      // Eq. 13a (nominal): (k)uα = 1 − (ce_k. / cl_k) · (cl_k − l_kk) / (ce_k. − ce_kk).
      const observedOffDiagonal = valuedRows[k] - observed[k * valueCount + k];
      kUAlpha[k] = 1 - ((expectedRow / valuedRows[k]) * observedOffDiagonal) / expectedOffDiagonal;
    }
  }

  return {
    uAlpha,
    binaryUAlpha,
    cuAlpha,
    cuShareOfPairableLength: total > 0 ? valuedTotal / total : null,
    kUAlpha,
    observedCoincidences: observed,
    valueCount,
    observerCount: m,
    boundaryDisagreement,
    labelDisagreement,
  };
}
