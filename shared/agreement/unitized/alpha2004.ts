/**
 * Krippendorff's boundary-distance unitizing alpha for one code at a time: Krippendorff (1995),
 * "On the reliability of unitizing continuous data", Sociological Methodology 25, as restated in
 * Content Analysis (2004, 2nd ed., §11.6). Each code is its own binary continuum of units and gaps.
 *
 *   δ²(g, h) = (b_g − b_h)² + (e_g − e_h)²   two overlapping units,
 *            = l_g²                         unit g inside a gap h of the other observer,
 *            = 0                            otherwise (no overlap, gap–gap, partial unit–gap).
 *   D_o = Σ_{i≠j} Σ_g Σ_h δ²(g, h) / (m (m − 1) L²)
 *   D_e = (2/L) Σ_units g [ (N_c − 1)(2l³ − 3l² + l)/3 + l² Σ_{gaps h, l_h ≥ l} (l_h − l + 1) ]
 *         / ( mL(mL − 1) − Σ_units l(l − 1) )
 * where N_c is the number of units of the code over all m observers. D_e assumes a continuum
 * discretised into unit-length steps (the 1995 paper printed l + 1 in the denominator where the
 * 2004 book has l − 1), which is why D_e and α depend on the resolution of the coordinates.
 */

import { GAP as IMPORTED_GAP, type ObserverContinuum } from './continuum.js';

// A module-local copy: under CommonJS transpilation (tsx, vitest) an imported binding becomes a
// getter call on every read, which made the sweep loops five times slower.
const GAP = IMPORTED_GAP;

export interface BoundaryPiece {
  start: number;
  end: number;
  /** false for a gap (uncoded stretch of this code). */
  coded: boolean;
}

export interface Krippendorff2004Result {
  alpha: number | null;
  observedDisagreement: number;
  expectedDisagreement: number;
}

/** δ² between a piece of one observer and an overlapping piece of another (see the module comment). */
export function boundaryDistance2004(g: BoundaryPiece, h: BoundaryPiece): number {
  const overlaps = g.start < h.end && h.start < g.end;
  if (!overlaps) return 0;
  if (g.coded && h.coded) return (g.start - h.start) ** 2 + (g.end - h.end) ** 2;
  if (g.coded && !h.coded && h.start <= g.start && g.end <= h.end) return (g.end - g.start) ** 2;
  if (!g.coded && h.coded && g.start <= h.start && h.end <= g.end) return (h.end - h.start) ** 2;
  return 0;
}

function pairDistanceSum(a: ObserverContinuum, b: ObserverContinuum): number {
  const { starts: startsA, ends: endsA, values: valuesA } = a;
  const { starts: startsB, ends: endsB, values: valuesB } = b;
  let sum = 0;
  let pa = 0;
  let pb = 0;
  // Both tilings cover the continuum, so advancing the piece that ends first visits every
  // overlapping pair exactly once. The cases of boundaryDistance2004, inlined for speed.
  while (pa < valuesA.length && pb < valuesB.length) {
    const startA = startsA[pa];
    const endA = endsA[pa];
    const startB = startsB[pb];
    const endB = endsB[pb];
    // Pieces ending together leave one touching, non-overlapping pair behind: it contributes 0.
    if (startA < endB && startB < endA) {
      const codedA = valuesA[pa] !== GAP;
      const codedB = valuesB[pb] !== GAP;
      if (codedA && codedB) sum += (startA - startB) * (startA - startB) + (endA - endB) * (endA - endB);
      else if (codedA && startB <= startA && endA <= endB) sum += (endA - startA) * (endA - startA);
      else if (codedB && startA <= startB && endB <= endA) sum += (endB - startB) * (endB - startB);
    }
    if (endA <= endB) pa++;
    else pb++;
  }
  return sum;
}

/**
 * uα_c for one code. `observers` are binary tilings of the continuum (unit = any value ≠ GAP);
 * an observer's units of the code must not overlap each other.
 */
export function computeKrippendorff2004(observers: readonly ObserverContinuum[], continuumLength: number): Krippendorff2004Result {
  const m = observers.length;
  const length = continuumLength;

  let distanceSum = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) distanceSum += pairDistanceSum(observers[i], observers[j]);
  }
  // Each unordered pair stands for its two ordered pairs (i, j) and (j, i).
  const observedDisagreement = (2 * distanceSum) / (m * (m - 1) * length * length);

  let unitCount = 0;
  let pieceCount = 0;
  for (const observer of observers) {
    pieceCount += observer.values.length;
    for (let p = 0; p < observer.values.length; p++) if (observer.values[p] !== GAP) unitCount++;
  }
  const unitLengths = new Float64Array(unitCount);
  const gaps = new Float64Array(pieceCount - unitCount);
  let units = 0;
  let gapCount = 0;
  for (const observer of observers) {
    for (let p = 0; p < observer.values.length; p++) {
      const pieceLength = observer.ends[p] - observer.starts[p];
      if (observer.values[p] === GAP) gaps[gapCount++] = pieceLength;
      else unitLengths[units++] = pieceLength;
    }
  }
  // Units and gaps sorted by length, gaps with suffix sums: Σ_{l_h ≥ l} (l_h − l + 1) is then one
  // forward-moving pointer over the gaps instead of a scan per unit.
  unitLengths.sort();
  gaps.sort();
  const suffixSums = new Float64Array(gaps.length + 1);
  for (let k = gaps.length - 1; k >= 0; k--) suffixSums[k] = suffixSums[k + 1] + gaps[k];
  let numerator = 0;
  let unitPairCorrection = 0;
  let firstFittingGap = 0;
  for (let u = 0; u < unitCount; u++) {
    const l = unitLengths[u];
    while (firstFittingGap < gaps.length && gaps[firstFittingGap] < l) firstFittingGap++;
    const fittingPositions = suffixSums[firstFittingGap] - (gaps.length - firstFittingGap) * (l - 1);
    numerator += ((unitCount - 1) * (2 * l * l * l - 3 * l * l + l)) / 3 + l * l * fittingPositions;
    unitPairCorrection += l * (l - 1);
  }
  const denominator = m * length * (m * length - 1) - unitPairCorrection;
  const expectedDisagreement = denominator > 0 ? ((2 / length) * numerator) / denominator : 0;
  return {
    alpha: expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : null,
    observedDisagreement,
    expectedDisagreement,
  };
}
