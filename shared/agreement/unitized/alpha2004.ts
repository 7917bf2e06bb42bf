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
 *
 * All codes are computed together from each observer's units bucketed by code: the gaps of a code's
 * binary continuum are implied by its units, so no per-code tiling is ever built.
 */

import type { CoderSegments, ContinuumBounds } from './continuum.js';

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

/**
 * One observer's units grouped by code: the units of code c are [first[c], first[c + 1]) of
 * `starts` / `ends`, in start order and disjoint (same-code overlaps already merged).
 */
export interface UnitsByCode {
  first: Uint32Array;
  starts: Float64Array;
  ends: Float64Array;
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

/**
 * Buckets an observer's segments by code with a stable counting sort, so each code keeps the start
 * order. `segments` must not hold overlapping segments of one code (see mergeSameCodeOverlaps).
 */
export function bucketUnitsByCode(segments: CoderSegments, codeCount: number): UnitsByCode {
  const { starts, ends, codes } = segments;
  const first = new Uint32Array(codeCount + 1);
  for (let i = 0; i < codes.length; i++) first[codes[i] + 1]++;
  for (let c = 0; c < codeCount; c++) first[c + 1] += first[c];
  const next = first.slice(0, codeCount);
  const bucketStarts = new Float64Array(codes.length);
  const bucketEnds = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const slot = next[codes[i]]++;
    bucketStarts[slot] = starts[i];
    bucketEnds[slot] = ends[i];
  }
  return { first, starts: bucketStarts, ends: bucketEnds };
}

/**
 * Σ_g Σ_h δ²(g, h) over one code of observers a and b, both orders of the pair counted once. Only
 * units are walked: a unit that overlaps none of the other observer's units of the code lies inside
 * one of its gaps (δ² = l²); a unit that overlaps some has δ² = 0 with every gap it touches, because
 * it cannot lie inside a gap it shares with an overlapping unit. Advancing the unit that ends first
 * meets every overlapping pair, in the same order as a sweep over the full tilings.
 */
function pairDistanceSum(a: UnitsByCode, b: UnitsByCode, code: number): number {
  const { starts: startsA, ends: endsA } = a;
  const { starts: startsB, ends: endsB } = b;
  const lastA = a.first[code + 1];
  const lastB = b.first[code + 1];
  let pa = a.first[code];
  let pb = b.first[code];
  let overlappedA = false;
  let overlappedB = false;
  let sum = 0;
  while (pa < lastA && pb < lastB) {
    const startA = startsA[pa];
    const endA = endsA[pa];
    const startB = startsB[pb];
    const endB = endsB[pb];
    if (startA < endB && startB < endA) {
      sum += (startA - startB) * (startA - startB) + (endA - endB) * (endA - endB);
      overlappedA = true;
      overlappedB = true;
    }
    if (endA <= endB) {
      if (!overlappedA) sum += (endA - startA) * (endA - startA);
      overlappedA = false;
      pa++;
    } else {
      if (!overlappedB) sum += (endB - startB) * (endB - startB);
      overlappedB = false;
      pb++;
    }
  }
  // Whatever is left of one observer lies in the other's trailing gap, except the current unit if
  // it already overlapped something.
  if (pa < lastA && overlappedA) pa++;
  for (; pa < lastA; pa++) sum += (endsA[pa] - startsA[pa]) * (endsA[pa] - startsA[pa]);
  if (pb < lastB && overlappedB) pb++;
  for (; pb < lastB; pb++) sum += (endsB[pb] - startsB[pb]) * (endsB[pb] - startsB[pb]);
  return sum;
}

/**
 * Sorts positive lengths in place and returns them. Character offsets give integer lengths, and a
 * code's units usually span fewer distinct lengths than there are units: a counting sort is then
 * O(n), where the native sort (n log n) took half of the 2004 pass in the benchmark.
 */
function sortLengths(lengths: Float64Array): Float64Array {
  if (lengths.length < 2) return lengths;
  let shortest = Number.POSITIVE_INFINITY;
  let longest = 0;
  let integral = true;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i];
    if (length < shortest) shortest = length;
    if (length > longest) longest = length;
    if (length !== Math.floor(length)) integral = false;
  }
  const range = longest - shortest + 1;
  if (!integral || range > lengths.length) return lengths.sort();
  const counts = new Uint32Array(range);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i] - shortest]++;
  let k = 0;
  for (let offset = 0; offset < range; offset++) {
    for (let c = counts[offset]; c > 0; c--) lengths[k++] = shortest + offset;
  }
  return lengths;
}

/**
 * uα_c for every code c < codeCount. `observers` hold each observer's units by code; the gaps of a
 * code are the stretches of [begin, end) between its units.
 */
export function computeKrippendorff2004ByCode(
  observers: readonly UnitsByCode[],
  codeCount: number,
  bounds: ContinuumBounds,
): Krippendorff2004Result[] {
  const m = observers.length;
  const length = bounds.end - bounds.begin;
  // Scratch for one code at a time, sized for the busiest code: an observer with n units of a code
  // has at most n + 1 gaps.
  let widestCode = 0;
  for (let c = 0; c < codeCount; c++) {
    let units = 0;
    for (const observer of observers) units += observer.first[c + 1] - observer.first[c];
    widestCode = Math.max(widestCode, units);
  }
  const unitLengthScratch = new Float64Array(widestCode);
  const gapScratch = new Float64Array(widestCode + m);
  // Bucket k collects the gaps that fit exactly the k shortest units (see below).
  const gapsFittingCount = new Float64Array(widestCode + 1);
  const gapsFittingLength = new Float64Array(widestCode + 1);

  const results: Krippendorff2004Result[] = [];
  for (let code = 0; code < codeCount; code++) {
    let distanceSum = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) distanceSum += pairDistanceSum(observers[i], observers[j], code);
    }
    // Each unordered pair stands for its two ordered pairs (i, j) and (j, i).
    const observedDisagreement = (2 * distanceSum) / (m * (m - 1) * length * length);

    let unitCount = 0;
    let gapCount = 0;
    for (const { first, starts, ends } of observers) {
      let cursor = bounds.begin;
      for (let p = first[code]; p < first[code + 1]; p++) {
        if (starts[p] > cursor) gapScratch[gapCount++] = starts[p] - cursor;
        unitLengthScratch[unitCount++] = ends[p] - starts[p];
        cursor = ends[p];
      }
      if (cursor < bounds.end) gapScratch[gapCount++] = bounds.end - cursor;
    }
    // Σ_{gaps h, l_h ≥ l} (l_h − l + 1) for every unit without sorting the gaps: units sorted by
    // length, each gap goes to the bucket of the number k of units it fits (l_u ≤ l_h, a binary
    // search), and a running sum over the buckets from the longest unit down gives, for unit u,
    // the count and total length of the gaps that fit it.
    const unitLengths = sortLengths(unitLengthScratch.subarray(0, unitCount));
    gapsFittingCount.fill(0, 0, unitCount + 1);
    gapsFittingLength.fill(0, 0, unitCount + 1);
    for (let h = 0; h < gapCount; h++) {
      const gap = gapScratch[h];
      let low = 0;
      let high = unitCount;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (unitLengths[middle] <= gap) low = middle + 1;
        else high = middle;
      }
      gapsFittingCount[low]++;
      gapsFittingLength[low] += gap;
    }
    let numerator = 0;
    let unitPairCorrection = 0;
    let fittingGaps = 0;
    let fittingGapLength = 0;
    for (let u = unitCount - 1; u >= 0; u--) {
      const l = unitLengths[u];
      fittingGaps += gapsFittingCount[u + 1];
      fittingGapLength += gapsFittingLength[u + 1];
      const fittingPositions = fittingGapLength - fittingGaps * (l - 1);
      numerator += ((unitCount - 1) * (2 * l * l * l - 3 * l * l + l)) / 3 + l * l * fittingPositions;
      unitPairCorrection += l * (l - 1);
    }
    const denominator = m * length * (m * length - 1) - unitPairCorrection;
    const expectedDisagreement = denominator > 0 ? ((2 / length) * numerator) / denominator : 0;
    results.push({
      alpha: expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : null,
      observedDisagreement,
      expectedDisagreement,
    });
  }
  return results;
}
