/**
 * Coded-unit views of free-form codings: given fixed units (turns, sentences, windows …) and the
 * coders' segments, which codes did each coder apply to each unit?
 *
 * A coder applied code c to a unit when at least one of their c-segments overlaps the unit by one
 * code unit or more. Units are sorted and disjoint (see ./units.ts), so each segment finds its first
 * unit by binary search and marks only the units it overlaps: O(S log U + marks), no per-character
 * arrays.
 */

import type { TextRange } from './units.js';

export interface SegmentCoding {
  coder: string;
  codeId: string;
  start: number;
  end: number;
}

export interface PresenceMatrix {
  codeId: string;
  coders: string[];
  unitCount: number;
  /** Row-major units × coders; 1 = the coder applied the code to the unit, 0 = did not. */
  values: Uint8Array;
}

/** Label of a unit to which a coder applied no code in the multi-label view. */
export const NO_CODE_LABEL = '∅';

/** Index of the first unit whose end lies after `position` (units sorted and disjoint). */
function firstUnitEndingAfter(units: readonly TextRange[], position: number): number {
  let low = 0;
  let high = units.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (units[mid].end <= position) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Calls `mark(unitIndex)` for every unit the segment overlaps. */
function forEachOverlappedUnit(units: readonly TextRange[], segment: TextRange, mark: (unit: number) => void): void {
  for (let u = firstUnitEndingAfter(units, segment.start); u < units.length && units[u].start < segment.end; u++) {
    if (Math.min(units[u].end, segment.end) > Math.max(units[u].start, segment.start)) mark(u);
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Coders and codes in sorted order, so matrices do not depend on the order of the codings. */
export function codersAndCodes(codings: readonly SegmentCoding[]): { coders: string[]; codeIds: string[] } {
  return {
    coders: [...new Set(codings.map((coding) => coding.coder))].sort(byName),
    codeIds: [...new Set(codings.map((coding) => coding.codeId))].sort(byName),
  };
}

/**
 * One present/absent matrix per code. `coders` defaults to everyone in `codings`; pass the full
 * team to keep a coder who coded nothing as a column of zeros.
 */
export function presenceMatrices(
  units: readonly TextRange[],
  codings: readonly SegmentCoding[],
  coders: readonly string[] = codersAndCodes(codings).coders,
): PresenceMatrix[] {
  const coderIndex = new Map(coders.map((name, index) => [name, index]));
  const matrices = new Map<string, PresenceMatrix>();
  for (const codeId of codersAndCodes(codings).codeIds) {
    matrices.set(codeId, {
      codeId,
      coders: [...coders],
      unitCount: units.length,
      values: new Uint8Array(units.length * coders.length),
    });
  }
  for (const coding of codings) {
    const column = coderIndex.get(coding.coder);
    if (column === undefined) continue;
    const { values } = matrices.get(coding.codeId) as PresenceMatrix;
    forEachOverlappedUnit(units, coding, (unit) => {
      values[unit * coders.length + column] = 1;
    });
  }
  return [...matrices.values()];
}

/** The matrix as rows (units) of 0/1 per coder, the shape coded-unit statistics take. */
export function presenceRows(matrix: PresenceMatrix): number[][] {
  const width = matrix.coders.length;
  return Array.from({ length: matrix.unitCount }, (_, unit) => Array.from(matrix.values.subarray(unit * width, (unit + 1) * width)));
}

/**
 * Multi-label view: per unit and coder, the sorted set of codes the coder applied, as one nominal
 * label ("a + b"; NO_CODE_LABEL when none). Feed it to nominal alpha to compare whole code sets.
 */
export function multiLabelRows(
  units: readonly TextRange[],
  codings: readonly SegmentCoding[],
  coders: readonly string[] = codersAndCodes(codings).coders,
): { coders: string[]; rows: string[][] } {
  const coderIndex = new Map(coders.map((name, index) => [name, index]));
  const sets = Array.from({ length: units.length * coders.length }, () => new Set<string>());
  for (const coding of codings) {
    const column = coderIndex.get(coding.coder);
    if (column === undefined) continue;
    forEachOverlappedUnit(units, coding, (unit) => {
      sets[unit * coders.length + column].add(coding.codeId);
    });
  }
  const label = (set: Set<string>) => (set.size === 0 ? NO_CODE_LABEL : [...set].sort(byName).join(' + '));
  return {
    coders: [...coders],
    rows: Array.from({ length: units.length }, (_, unit) =>
      coders.map((_, column) => label(sets[unit * coders.length + column])),
    ),
  };
}
