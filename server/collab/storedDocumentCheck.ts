/**
 * Validation of a document just loaded from storage (SPEC H9). A stored state can be damaged in
 * ways that applying it does not reveal: updates whose dependencies are missing stay pending (the
 * content silently lacks them), and a state that does not survive its own re-encoding would be
 * damaged further by the next compaction. Both are caught here, before anyone edits the document.
 */
import * as Y from 'yjs';
import { parseDocumentName } from '../../shared/collab/documentNames';
import { readCodes, readCodings, readTranscriptMeta, readTurns } from '../../shared/collab/schema';

/** The content a person sees in the document, by kind, as comparable text. */
function contentOf(doc: Y.Doc, documentName: string): string {
  switch (parseDocumentName(documentName)?.kind) {
    case 'codebook':
      return JSON.stringify(readCodes(doc));
    case 'transcript':
      return JSON.stringify({ turns: readTurns(doc), meta: readTranscriptMeta(doc) });
    case 'layer':
    case 'consensus':
      return JSON.stringify(readCodings(doc), (_key, value) => (value instanceof Uint8Array ? Array.from(value) : value));
    default:
      return '';
  }
}

/** What is wrong with a loaded document, or null when it is sound. */
export function storedStateProblem(document: Y.Doc, documentName: string): string | null {
  if (document.store.pendingStructs || document.store.pendingDs)
    return 'some stored updates depend on updates that are missing (pending structs)';
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(document));
  } catch (error) {
    return `the re-encoded state does not decode: ${String(error)}`;
  }
  if (!Y.equalSnapshots(Y.snapshot(document), Y.snapshot(copy)))
    return 're-encoding changes which updates or deletions the document holds';
  if (contentOf(copy, documentName) !== contentOf(document, documentName)) return 're-encoding changes the content';
  return null;
}
