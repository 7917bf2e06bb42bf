/**
 * Finding where the items of an incoming (not yet applied) Yjs update land: in the update itself,
 * or in the live document. The extensions that judge what an update writes (coding validation,
 * the server-only maps) read updates with these.
 */
import * as Y from 'yjs';

/** The update's items by client, in clock order, to find the item an id points into. */
export class UpdateItems {
  private readonly byClient = new Map<number, Y.Item[]>();

  constructor(structs: readonly (Y.Item | Y.GC | Y.Skip)[]) {
    for (const struct of structs) {
      if (!(struct instanceof Y.Item)) continue;
      const items = this.byClient.get(struct.id.client);
      if (items) items.push(struct);
      else this.byClient.set(struct.id.client, [struct]);
    }
  }

  find(id: Y.ID): Y.Item | null {
    const items = this.byClient.get(id.client);
    if (!items) return null;
    let low = 0;
    let high = items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = items[middle];
      if (id.clock < item.id.clock) high = middle - 1;
      else if (id.clock >= item.id.clock + item.length) low = middle + 1;
      else return item;
    }
    return null;
  }
}

/** An integrated struct of the live document, or null when the document does not have `id`. */
export function documentStruct(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | null {
  if (id.clock >= Y.getState(doc.store, id.client)) return null;
  // Typed as an Item, but a collected struct is a GC.
  return Y.getItem(doc.store, id) as Y.Item | Y.GC;
}
