/**
 * The reconciliation trail, auto-merges and claims of a consensus document are written by the
 * server only (SPEC Q2): a websocket update (Hocuspocus or the y-websocket bridge) that inserts
 * into or deletes from the consensus doc's `decisions`, `merges` or `claims` maps, at any depth, is
 * refused before it is applied, so nothing of it is stored, logged (D1) or broadcast. The sender's
 * connection to the document is closed with 4403 and the refusal is recorded (H8). Server-side
 * writes go through the gateway, not through a connection, and never meet this hook.
 *
 * Where an item of the update lands is read as the coding validation reads it: its parent is a
 * root (by name), or an item holding a nested type (in the update or the document), or — for an
 * item that continues another one — the parent of that item. An item whose origin is neither in
 * the update nor in the document continues content this document has not got: if it were under a
 * guarded map, that content would have been refused, so the item could never be integrated.
 */
import type { beforeHandleMessagePayload, Extension } from '@hocuspocus/server';
import * as Y from 'yjs';
import { closeCodes } from '../../../shared/collab/closeCodes';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import { serverOnlyConsensusKeys } from '../../../shared/collab/schema';
import type { CollabContext } from '../context';
import { incomingUpdate } from '../incomingUpdates';
import { documentStruct, UpdateItems } from '../updateStructs';
import type { Refusals } from '../refusals';

const guardedRoots = new Set(serverOnlyConsensusKeys);

/** A shared type of a document, as `Y.Doc.share` holds them. */
type SharedType = NonNullable<ReturnType<Y.Doc['share']['get']>>;

/** The root type an integrated struct of the document lives under, or null for a collected one. */
function rootOfDocumentStruct(struct: Y.Item | Y.GC): SharedType | null {
  if (!(struct instanceof Y.Item)) return null;
  let type = struct.parent as SharedType | null;
  while (type?._item) type = type._item.parent as SharedType | null;
  return type;
}

/** Whether an update writes into one of the guarded roots; the name of the first such root, or null. */
export function guardedRootTouched(doc: Y.Doc, update: Uint8Array, structs: readonly (Y.Item | Y.GC | Y.Skip)[]): string | null {
  const guardedTypes = new Map<SharedType, string>();
  for (const key of guardedRoots) {
    const type = doc.share.get(key);
    if (type) guardedTypes.set(type, key);
  }
  const rootName = (type: SharedType | null) => (type ? (guardedTypes.get(type) ?? '') : '');

  const updateItems = new UpdateItems(structs);
  const inUpdate = (id: Y.ID): Y.Item | null => updateItems.find(id);

  // The root each item lands under ('' for unguarded or unknown), followed without recursion.
  const landing = new Map<Y.Item, string>();
  const landingOf = (start: Y.Item): string => {
    const chain: Y.Item[] = [];
    let current: Y.Item = start;
    let root: string | undefined;
    while (root === undefined) {
      const known = landing.get(current);
      if (known !== undefined) {
        root = known;
        break;
      }
      chain.push(current);
      const parent: unknown = current.parent;
      const next = typeof parent === 'string' ? null : parent instanceof Y.ID ? parent : (current.origin ?? current.rightOrigin);
      if (typeof parent === 'string') root = guardedRoots.has(parent) ? parent : '';
      else if (!next) root = '';
      else {
        const found = inUpdate(next);
        if (found && !chain.includes(found)) current = found;
        else {
          const struct = found ? null : documentStruct(doc, next);
          root = struct ? rootName(rootOfDocumentStruct(struct)) : '';
        }
      }
    }
    for (const link of chain) landing.set(link, root);
    return root;
  };
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const root = landingOf(struct);
    if (root) return root;
  }

  // Deletions of content the document holds under a guarded root.
  const { ds } = Y.decodeUpdate(update.slice());
  for (const [client, ranges] of ds.clients) {
    const clientStructs = doc.store.clients.get(client);
    if (!clientStructs) continue;
    const state = Y.getState(doc.store, client);
    for (const { clock, len } of ranges) {
      if (clock >= state) continue;
      for (let index = Y.findIndexSS(clientStructs, clock); index < clientStructs.length && clientStructs[index].id.clock < clock + len; index++) {
        const root = rootName(rootOfDocumentStruct(clientStructs[index]));
        if (root) return root;
      }
    }
  }
  return null;
}

export class ServerOnlyMapsExtension implements Extension {
  extensionName = 'cocode-server-only-maps';

  constructor(private readonly refusals: Refusals) {}

  async beforeHandleMessage({ connection, document, documentName, update, context }: beforeHandleMessagePayload): Promise<void> {
    if (connection.readOnly) return;
    if (parseDocumentName(documentName)?.kind !== 'consensus') return;
    // Frames that do not decode were refused by the update validation, which runs before this.
    const incoming = incomingUpdate(update);
    if (!incoming) return;
    const root = guardedRootTouched(document, incoming.update, incoming.structs);
    if (!root) return;
    this.refusals.record(
      closeCodes.forbidden,
      `Q2 ${documentName} by ${(context as CollabContext).user.id}: the consensus doc's "${root}" map is written by the server only`,
    );
    throw closeCodes.forbidden;
  }
}
