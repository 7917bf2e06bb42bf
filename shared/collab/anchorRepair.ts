/**
 * Planning the repair of coding anchors after transcript edits. Splitting or merging a turn
 * re-creates the moved text as new Yjs items, so anchors into it collapse or become unresolvable;
 * each coding's quote and last offsets let us find its words again. Pure: the server applies the
 * plan to the layer docs (SPEC C3).
 */
import { codingOffsets } from './codings';
import type { CodingPatch, StoredCoding } from './schema';
import { endAssoc, startAssoc, type TranscriptIndex } from './transcriptIndex';

/** How far (in characters) from its last known start a coding's quote is searched for. */
export const repairWindowChars = 1_000;

export interface PlannedRepair {
  codingId: string;
  patch: CodingPatch;
  kind: 'refresh' | 'reanchored' | 'orphaned';
}

/** The occurrence of `quote` nearest to `lastStart` within the window, or null. */
export function findQuoteNear(text: string, quote: string, lastStart: number, windowChars = repairWindowChars): number | null {
  if (quote.length === 0) return null;
  const from = Math.max(0, lastStart - windowChars);
  const to = Math.min(text.length, lastStart + windowChars + quote.length);
  let best: number | null = null;
  let position = text.indexOf(quote, from);
  while (position !== -1 && position + quote.length <= to) {
    if (best === null || Math.abs(position - lastStart) < Math.abs(best - lastStart)) best = position;
    position = text.indexOf(quote, position + 1);
  }
  return best;
}

export function planAnchorRepairs(index: TranscriptIndex, codings: StoredCoding[]): PlannedRepair[] {
  const text = index.text;
  const plan: PlannedRepair[] = [];
  for (const coding of codings) {
    const resolved = codingOffsets(index, coding);
    // Pending codings point at transcript items not received yet: never touch them.
    if (resolved.status === 'pending') continue;
    if (resolved.status === 'ok') {
      const quote = resolved.text;
      if (quote !== coding.quote || resolved.start !== coding.lastStart || resolved.end !== coding.lastEnd || coding.orphaned)
        plan.push({
          codingId: coding.id,
          kind: 'refresh',
          patch: { quote, lastStart: resolved.start, lastEnd: resolved.end, orphaned: false },
        });
      continue;
    }
    // Collapsed, lost, or anchors that do not decode (K5): find the words again from the quote.
    const found = findQuoteNear(text, coding.quote, coding.lastStart);
    const start = found === null ? null : index.encodeAnchor(found, startAssoc);
    const end = found === null ? null : index.encodeAnchor(found + coding.quote.length, endAssoc);
    if (found !== null && start && end) {
      plan.push({
        codingId: coding.id,
        kind: 'reanchored',
        patch: { start, end, lastStart: found, lastEnd: found + coding.quote.length, orphaned: false },
      });
    } else if (!coding.orphaned) {
      plan.push({ codingId: coding.id, kind: 'orphaned', patch: { orphaned: true } });
    }
  }
  return plan;
}
