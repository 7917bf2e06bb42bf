/**
 * `codingsPerLayerMax` for websocket writers (SPEC H5), as REST already enforces it: an update may
 * not give a coding layer (or the consensus layer) more codings than that.
 *
 * Bound: a new coding is a new key of the layer's root `codings` map, and an item for a new key
 * names that root as its parent. Items that name no parent (they continue an existing item, such
 * as an overwritten key, whose parent the encoding leaves out) are counted too, since one of them
 * could re-set a deleted key. Field edits inside a coding name the coding as parent and cost nothing.
 */
import * as Y from 'yjs';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import { countCodings, ydocKeys } from '../../../shared/collab/schema';
import { closeCodes } from '../../../shared/collab/closeCodes';
import { copyWithUpdates, type UpdateLimit } from './updateLimit';

export function codingsPerLayerLimit(maxCodings: number): UpdateLimit {
  return {
    name: 'codings-per-layer',
    event: closeCodes.tooManyCodings,
    max: maxCodings,
    unit: 'codings',
    appliesTo: (documentName) => {
      const kind = parseDocumentName(documentName)?.kind;
      return kind === 'layer' || kind === 'consensus';
    },
    // A decoded, not yet integrated item holds a root type's name (a string) as its parent.
    bound: ({ structs }) =>
      structs.filter((struct) => {
        if (!(struct instanceof Y.Item)) return false;
        const parent: unknown = struct.parent;
        return parent === ydocKeys.layerCodings || parent === null;
      }).length,
    measure: (doc, updates) => countCodings(copyWithUpdates(doc, updates)),
  };
}
