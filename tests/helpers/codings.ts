/** Builds a coding the way the editor does: anchors from the client's own replica of the transcript. */
import { randomUUID } from 'node:crypto';
import type { StoredCoding } from '../../shared/collab/schema';
import { endAssoc, startAssoc, type TranscriptIndex } from '../../shared/collab/transcriptIndex';

export function codingAt(index: TranscriptIndex, start: number, end: number, codeId: string, createdBy: string): StoredCoding {
  const startAnchor = index.encodeAnchor(start, startAssoc);
  const endAnchor = index.encodeAnchor(end, endAssoc);
  if (!startAnchor || !endAnchor) throw new Error(`no anchors for ${start}–${end}`);
  return {
    id: randomUUID(),
    codeId,
    start: startAnchor,
    end: endAnchor,
    quote: index.text.slice(start, end),
    lastStart: start,
    lastEnd: end,
    memo: '',
    createdAt: new Date().toISOString(),
    createdBy,
    orphaned: false,
  };
}
