/**
 * `documentMaxBytes` for websocket writers (SPEC H4): the encoded document may not grow past it.
 * An update adds at most about its own encoded size, so that is the bound; near the cap the exact
 * size is the merge of the current state with the update, which also discounts content the
 * document already has (a reconnecting client re-sending known edits).
 */
import * as Y from 'yjs';
import { closeCodes } from '../../../shared/collab/closeCodes';
import type { UpdateLimit } from './updateLimit';

export function documentSizeLimit(maxBytes: number): UpdateLimit {
  return {
    name: 'document-size',
    event: closeCodes.documentTooLarge,
    max: maxBytes,
    unit: 'bytes',
    appliesTo: () => true,
    bound: ({ update }) => update.byteLength,
    measure: (doc, updates) => Y.mergeUpdates([Y.encodeStateAsUpdate(doc), ...updates]).byteLength,
  };
}
