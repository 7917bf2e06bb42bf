/**
 * Validation and normalisation of raw unitized input, shared by the statistics, the semantic-domain
 * analysis and the bootstrap: coders and codes are indexed once, segments are clipped to the
 * continuum, sorted once per coder into typed arrays, and turned into per-observer tilings on demand.
 */

import { type AgreementDiagnostic, diagnostic } from '../diagnostics.js';
import {
  type CoderSegments,
  type ContinuumBounds,
  GAP as IMPORTED_GAP,
  hasOverlaps,
  mergeSameCodeOverlaps,
  type ObserverContinuum,
  sortSegments,
  tileNonOverlapping,
  tileOverlapping,
} from './continuum.js';

// A module-local copy: under CommonJS transpilation (tsx, vitest) an imported binding becomes a
// getter call on every read, which made the sweep loops five times slower.
const GAP = IMPORTED_GAP;

export interface RawSegment {
  coder: string;
  start: number;
  end: number;
  code: string;
}

export interface PreparedUnitizedData {
  bounds: ContinuumBounds;
  /** Coder names, sorted, so that results do not depend on input order. */
  coders: string[];
  /** Code names, sorted. */
  codes: string[];
  /** Per coder (same order as `coders`), the valid segments sorted by (start, end, code). */
  segmentsByCoder: CoderSegments[];
  diagnostics: AgreementDiagnostic[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function prepareUnitizedData(bounds: ContinuumBounds, data: readonly RawSegment[]): PreparedUnitizedData {
  const diagnostics: AgreementDiagnostic[] = [];
  // One pass over the input objects: provisional ids in order of first appearance (names are
  // sorted afterwards), clipped positions into flat typed arrays.
  const coderIds = new Map<string, number>();
  const codeIds = new Map<string, number>();
  const segmentCoder = new Int32Array(data.length);
  const segmentCode = new Int32Array(data.length);
  const clippedStarts = new Float64Array(data.length);
  const clippedEnds = new Float64Array(data.length);
  let kept = 0;
  let clipped = 0;
  let dropped = 0;
  // Input usually comes grouped by coder: remembering the last coder saves most Map look-ups.
  let lastCoderName: string | undefined;
  let lastCoderId = -1;
  for (let i = 0; i < data.length; i++) {
    const { coder, code, start: rawStart, end: rawEnd } = data[i];
    // Names are registered even for segments dropped below: a coder or code stays listed.
    if (coder !== lastCoderName) {
      let coderId = coderIds.get(coder);
      if (coderId === undefined) {
        coderId = coderIds.size;
        coderIds.set(coder, coderId);
      }
      lastCoderName = coder;
      lastCoderId = coderId;
    }
    let codeId = codeIds.get(code);
    if (codeId === undefined) {
      codeId = codeIds.size;
      codeIds.set(code, codeId);
    }
    const start = Math.max(rawStart, bounds.begin);
    const end = Math.min(rawEnd, bounds.end);
    if (!(end > start)) {
      dropped++;
      continue;
    }
    if (start !== rawStart || end !== rawEnd) clipped++;
    segmentCoder[kept] = lastCoderId;
    segmentCode[kept] = codeId;
    clippedStarts[kept] = start;
    clippedEnds[kept++] = end;
  }
  if (clipped + dropped > 0) {
    diagnostics.push(
      diagnostic(
        'invalid_segment',
        'warning',
        `${dropped} segment(s) were empty or outside the continuum and were left out; ${clipped} were cut to the continuum's bounds.`,
        { value: clipped + dropped, measure: 'segments' },
      ),
    );
  }

  const coders = [...coderIds.keys()].sort(byName);
  const codes = [...codeIds.keys()].sort(byName);
  const coderRank = new Int32Array(coders.length);
  coders.forEach((name, rank) => {
    coderRank[coderIds.get(name) as number] = rank;
  });
  const codeRank = new Int32Array(codes.length);
  codes.forEach((name, rank) => {
    codeRank[codeIds.get(name) as number] = rank;
  });

  // Counting sort by coder; the input order is kept within a coder.
  const counts = new Uint32Array(coders.length);
  for (let i = 0; i < kept; i++) counts[coderRank[segmentCoder[i]]]++;
  const byCoder = coders.map((_, c) => ({
    starts: new Float64Array(counts[c]),
    ends: new Float64Array(counts[c]),
    codes: new Int32Array(counts[c]),
  }));
  const filled = new Uint32Array(coders.length);
  for (let i = 0; i < kept; i++) {
    const c = coderRank[segmentCoder[i]];
    const slot = filled[c]++;
    byCoder[c].starts[slot] = clippedStarts[i];
    byCoder[c].ends[slot] = clippedEnds[i];
    byCoder[c].codes[slot] = codeRank[segmentCode[i]];
  }
  const segmentsByCoder = byCoder.map(sortSegments);
  return { bounds, coders, codes, segmentsByCoder, diagnostics };
}

export interface Tilings {
  observers: ObserverContinuum[];
  /** Value names; index 0 is the gap (∅). Combined values read "a + b". */
  valueNames: string[];
  /** Coders whose own segments of different values overlapped (their overlaps became combined values). */
  codersWithOverlaps: string[];
  /** Same-value overlaps of one coder merged into one unit. */
  mergedOverlaps: number;
}

/**
 * Per-observer tilings for one analysis. `valueOfCode[code]` is the value a code stands for here
 * (≥ 1, so several codes may share a value, e.g. a semantic domain) or GAP to leave it out.
 */
export function buildTilings(
  prepared: PreparedUnitizedData,
  valueOfCode: Int32Array,
  baseValueNames: readonly string[],
): Tilings {
  const valueNames = ['∅', ...baseValueNames];
  const combinedValues = new Map<string, number>();
  const valueOfSet = (values: readonly number[]): number => {
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    if (distinct.length === 1) return distinct[0];
    const key = distinct.join(',');
    let value = combinedValues.get(key);
    if (value === undefined) {
      value = valueNames.length;
      valueNames.push(distinct.map((v) => valueNames[v]).join(' + '));
      combinedValues.set(key, value);
    }
    return value;
  };

  const codersWithOverlaps: string[] = [];
  let mergedOverlaps = 0;
  const observers = prepared.segmentsByCoder.map((segments, coder) => {
    const relabelled = relabel(segments, valueOfCode);
    const { merged, mergedCount } = mergeSameCodeOverlaps(relabelled);
    mergedOverlaps += mergedCount;
    if (!hasOverlaps(merged)) return tileNonOverlapping(merged, prepared.bounds);
    codersWithOverlaps.push(prepared.coders[coder]);
    return tileOverlapping(merged, prepared.bounds, valueOfSet);
  });
  return { observers, valueNames, codersWithOverlaps, mergedOverlaps };
}

/** Replaces code indices by analysis values and drops left-out codes; keeps the sorted order. */
function relabel(segments: CoderSegments, valueOfCode: Int32Array): CoderSegments {
  let kept = 0;
  for (let i = 0; i < segments.codes.length; i++) if (valueOfCode[segments.codes[i]] !== GAP) kept++;
  const starts = new Float64Array(kept);
  const ends = new Float64Array(kept);
  const values = new Int32Array(kept);
  let k = 0;
  for (let i = 0; i < segments.codes.length; i++) {
    const value = valueOfCode[segments.codes[i]];
    if (value === GAP) continue;
    starts[k] = segments.starts[i];
    ends[k] = segments.ends[i];
    values[k++] = value;
  }
  return { starts, ends, codes: values };
}
