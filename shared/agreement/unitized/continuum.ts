/**
 * Turning free-form segment lists into the per-observer continua that Krippendorff's unitizing
 * coefficients are defined on: for every observer, a gap-free sequence of pieces that covers
 * [begin, end), each piece either a unit with a value or a gap (value 0 here, ∅ in the papers).
 *
 * Pure data preparation, no statistics. Typed arrays keep the 60,000-character × 20,000-segment
 * case inside a few milliseconds.
 */

export interface ContinuumBounds {
  begin: number;
  end: number;
}

/** A coder's codings, sorted by (start, end, code), already clipped to the continuum. */
export interface CoderSegments {
  starts: Float64Array;
  ends: Float64Array;
  /** Index into the shared code list. */
  codes: Int32Array;
}

/**
 * One observer's continuum: pieces that tile [begin, end) without holes or overlaps.
 * `values[p] === GAP` marks an uncoded stretch; other values index a label list.
 */
export interface ObserverContinuum {
  starts: Float64Array;
  ends: Float64Array;
  values: Int32Array;
}

export const GAP = 0;

/** Insertion-sorted run length of the merge sort below. */
const SORT_RUN = 32;

/**
 * Indices 0..n−1 ordered by (primary, secondary, code), stably. A merge sort with the comparison
 * inlined: a comparator handed to TypedArray.prototype.sort is called through the runtime for every
 * comparison, which made shuffled input several times slower than input in document order.
 */
export function sortSegmentOrder(primary: Float64Array, secondary: Float64Array, codes: Int32Array): Uint32Array {
  const count = primary.length;
  const precedes = (a: number, b: number) => (primary[a] - primary[b] || secondary[a] - secondary[b] || codes[a] - codes[b]) < 0;
  let order = new Uint32Array(count);
  let alreadySorted = true;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (i > 0 && precedes(i, i - 1)) alreadySorted = false;
  }
  // Codings usually arrive in document order.
  if (alreadySorted) return order;
  for (let runStart = 0; runStart < count; runStart += SORT_RUN) {
    const runEnd = Math.min(runStart + SORT_RUN, count);
    for (let i = runStart + 1; i < runEnd; i++) {
      const item = order[i];
      let j = i - 1;
      for (; j >= runStart && precedes(item, order[j]); j--) order[j + 1] = order[j];
      order[j + 1] = item;
    }
  }
  let merged = new Uint32Array(count);
  for (let width = SORT_RUN; width < count; width *= 2) {
    for (let left = 0; left < count; left += 2 * width) {
      const middle = Math.min(left + width, count);
      const right = Math.min(left + 2 * width, count);
      let i = left;
      let j = middle;
      let k = left;
      // Taking from the right half only when strictly earlier keeps the sort stable.
      while (i < middle && j < right) merged[k++] = precedes(order[j], order[i]) ? order[j++] : order[i++];
      while (i < middle) merged[k++] = order[i++];
      while (j < right) merged[k++] = order[j++];
    }
    const previous = order;
    order = merged;
    merged = previous;
  }
  return order;
}

/** The segments sorted by (start, end, code): the same object when they already are. */
export function sortSegments(segments: CoderSegments): CoderSegments {
  const order = sortSegmentOrder(segments.starts, segments.ends, segments.codes);
  let inOrder = true;
  for (let k = 0; k < order.length && inOrder; k++) inOrder = order[k] === k;
  if (inOrder) return segments;
  const size = order.length;
  const sorted = { starts: new Float64Array(size), ends: new Float64Array(size), codes: new Int32Array(size) };
  for (let k = 0; k < size; k++) {
    sorted.starts[k] = segments.starts[order[k]];
    sorted.ends[k] = segments.ends[order[k]];
    sorted.codes[k] = segments.codes[order[k]];
  }
  return sorted;
}

/**
 * Merges overlapping segments that share a code (a coder who marks the same code twice over the
 * same text has marked it once). Segments that merely touch stay separate: in both the 1995/2004
 * and the 2016 definitions two adjacent units are two units (they differ in Σ l², eq. 5a of 2016).
 */
export function mergeSameCodeOverlaps(segments: CoderSegments): { merged: CoderSegments; mergedCount: number } {
  // The common case (no overlap at all) needs no per-code bookkeeping.
  if (!hasOverlaps(segments)) return { merged: segments, mergedCount: 0 };
  const lastIndexOfCode = new Map<number, number>();
  const starts = new Float64Array(segments.starts.length);
  const ends = new Float64Array(segments.starts.length);
  const codes = new Int32Array(segments.starts.length);
  let kept = 0;
  let mergedCount = 0;
  for (let i = 0; i < segments.starts.length; i++) {
    const code = segments.codes[i];
    const previous = lastIndexOfCode.get(code);
    if (previous !== undefined && segments.starts[i] < ends[previous]) {
      if (segments.ends[i] > ends[previous]) ends[previous] = segments.ends[i];
      mergedCount++;
      continue;
    }
    lastIndexOfCode.set(code, kept);
    starts[kept] = segments.starts[i];
    ends[kept] = segments.ends[i];
    codes[kept++] = code;
  }
  if (mergedCount === 0) return { merged: segments, mergedCount };
  // Merging only extends ends, so the (start) order is kept; re-sort to restore the (start, end) tie order.
  const merged = { starts: starts.subarray(0, kept), ends: ends.subarray(0, kept), codes: codes.subarray(0, kept) };
  return { merged: sortSegments(merged), mergedCount };
}

/** True when some segment starts before the previous one (in start order) has ended. */
export function hasOverlaps(segments: CoderSegments): boolean {
  let reach = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < segments.starts.length; i++) {
    if (segments.starts[i] < reach) return true;
    if (segments.ends[i] > reach) reach = segments.ends[i];
  }
  return false;
}

/**
 * Builds an observer's tiling from segments that do not overlap and whose codes are already values
 * ≥ 1: units keep their own boundaries, and every stretch between them becomes one gap.
 */
export function tileNonOverlapping(segments: CoderSegments, bounds: ContinuumBounds): ObserverContinuum {
  const capacity = 2 * segments.starts.length + 1;
  const starts = new Float64Array(capacity);
  const ends = new Float64Array(capacity);
  const values = new Int32Array(capacity);
  let pieces = 0;
  let cursor = bounds.begin;
  for (let i = 0; i < segments.starts.length; i++) {
    if (segments.starts[i] > cursor) {
      starts[pieces] = cursor;
      ends[pieces] = segments.starts[i];
      values[pieces++] = GAP;
    }
    starts[pieces] = segments.starts[i];
    ends[pieces] = segments.ends[i];
    values[pieces++] = segments.codes[i];
    cursor = segments.ends[i];
  }
  if (cursor < bounds.end) {
    starts[pieces] = cursor;
    ends[pieces] = bounds.end;
    values[pieces++] = GAP;
  }
  return { starts: starts.subarray(0, pieces), ends: ends.subarray(0, pieces), values: values.subarray(0, pieces) };
}

/**
 * Builds an observer's tiling when some of the coder's segments of *different* codes overlap.
 * The 2016 coefficients assume each observer assigns one value per position, so every stretch
 * covered by several codes becomes a unit of the combined value (the sorted code set), obtained
 * from `valueOfCodeSet`. Boundaries are all segment starts and ends: two adjacent stretches are
 * separate units whenever some segment starts or ends between them.
 */
export function tileOverlapping(
  segments: CoderSegments,
  bounds: ContinuumBounds,
  valueOfCodeSet: (codes: readonly number[]) => number,
): ObserverContinuum {
  const count = segments.starts.length;
  const boundaryPositions = new Float64Array(2 * count + 2);
  boundaryPositions.set(segments.starts, 0);
  boundaryPositions.set(segments.ends, count);
  boundaryPositions[2 * count] = bounds.begin;
  boundaryPositions[2 * count + 1] = bounds.end;
  boundaryPositions.sort();

  const byEnd = sortSegmentOrder(segments.ends, segments.starts, segments.codes);
  const activeCounts = new Map<number, number>();
  const starts: number[] = [];
  const ends: number[] = [];
  const values: number[] = [];
  let nextStart = 0;
  let nextEnd = 0;
  for (let b = 0; b + 1 < boundaryPositions.length; b++) {
    const left = boundaryPositions[b];
    const right = boundaryPositions[b + 1];
    while (nextEnd < count && segments.ends[byEnd[nextEnd]] <= left) {
      const code = segments.codes[byEnd[nextEnd++]];
      const remaining = (activeCounts.get(code) ?? 0) - 1;
      if (remaining === 0) activeCounts.delete(code);
      else activeCounts.set(code, remaining);
    }
    while (nextStart < count && segments.starts[nextStart] <= left) {
      const code = segments.codes[nextStart++];
      activeCounts.set(code, (activeCounts.get(code) ?? 0) + 1);
    }
    if (right <= left) continue;
    const value = activeCounts.size === 0 ? GAP : valueOfCodeSet([...activeCounts.keys()].sort((x, y) => x - y));
    // Consecutive gaps are one gap; units never merge (each boundary belongs to some segment).
    if (value === GAP && values.length > 0 && values[values.length - 1] === GAP) {
      ends[ends.length - 1] = right;
      continue;
    }
    starts.push(left);
    ends.push(right);
    values.push(value);
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), values: Int32Array.from(values) };
}
