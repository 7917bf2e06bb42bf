/**
 * `transcriptMaxChars` for websocket writers (SPEC H6), as REST import already enforces it: after an
 * edit the transcript's canonical text (C1) may not be longer than that.
 *
 * Bound: text grows only by inserted strings (their length in UTF-16 code units) and by new turns
 * (one separator each, counted for every new nested type), so the sum of those over the update's
 * structs bounds the growth; formatting and attribute changes add nothing.
 */
import * as Y from 'yjs';
import { closeCodes } from '../../../shared/collab/closeCodes';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import { TranscriptIndex } from '../../../shared/collab/transcriptIndex';
import { copyWithUpdates, type UpdateLimit } from './updateLimit';

export function transcriptLengthLimit(maxChars: number): UpdateLimit {
  return {
    name: 'transcript-length',
    event: closeCodes.transcriptTooLong,
    max: maxChars,
    unit: 'characters',
    appliesTo: (documentName) => parseDocumentName(documentName)?.kind === 'transcript',
    bound: ({ structs }) => {
      let chars = 0;
      for (const struct of structs) {
        if (!(struct instanceof Y.Item)) continue;
        if (struct.content instanceof Y.ContentString) chars += struct.content.str.length;
        else if (struct.content instanceof Y.ContentType) chars += 1;
      }
      return chars;
    },
    measure: (doc, updates) => new TranscriptIndex(copyWithUpdates(doc, updates)).length,
  };
}
