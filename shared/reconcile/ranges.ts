/**
 * Character ranges as sets: the union and intersection the merge actions and the agreement test
 * are made of. Offsets are canonical UTF-16 offsets (SPEC C1); nothing here moves a boundary, so a
 * result only ever ends where some input range ended.
 */

/** A half-open range of canonical offsets, `start < end`. */
export interface TextSpan {
  start: number;
  end: number;
}

const byStartThenEnd = (a: TextSpan, b: TextSpan) => a.start - b.start || a.end - b.end;

/**
 * The same characters as the fewest sorted spans: overlapping and touching spans are joined, since
 * together they cover one unbroken stretch and one coding says the same as two.
 */
export function coverage(spans: readonly TextSpan[]): TextSpan[] {
  const sorted = [...spans].sort(byStartThenEnd);
  const joined: TextSpan[] = [];
  for (const span of sorted) {
    const last = joined[joined.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else joined.push({ start: span.start, end: span.end });
  }
  return joined;
}

/** The characters in both coverages (each sorted and disjoint, as `coverage` returns them). */
export function intersectCoverages(a: readonly TextSpan[], b: readonly TextSpan[]): TextSpan[] {
  const common: TextSpan[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (start < end) common.push({ start, end });
    // Advance whichever span ends first: it can overlap nothing further in the other list.
    if (a[i].end <= b[j].end) i += 1;
    else j += 1;
  }
  return common;
}

/** Characters covered by a sorted, disjoint coverage. */
export function coveredLength(spans: readonly TextSpan[]): number {
  let total = 0;
  for (const span of spans) total += span.end - span.start;
  return total;
}
