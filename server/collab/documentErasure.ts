/**
 * Erasing the collaborative documents of a deleted transcript or project on this instance (SPEC E2):
 * the durable log stops writing them first, so nothing that is already under way can put them back;
 * every open connection to them (both protocols) is closed with 4410 "Document Deleted"; their
 * stored state is erased by name (E3); and their in-memory copies are unloaded without being stored.
 * Each instance runs this for every deletion (the one that made it, the others on its access event).
 */
import type { Document, Hocuspocus } from '@hocuspocus/server';
import { closeCodes } from '../../shared/collab/closeCodes';
import { parseDocumentName } from '../../shared/collab/documentNames';
import type { DocumentLogStore } from '../storage/types';
import { type ErasureScope, inErasureScope } from './erasedDocuments';
import type { DurableLogExtension } from './extensions/durableLog';
import type { BridgeSockets } from './interop/bridgeSockets';

export interface ErasureTargets {
  hocuspocus: Hocuspocus;
  bridgeSockets: BridgeSockets;
  durableLog: DurableLogExtension;
  documents: DocumentLogStore;
}

export async function eraseDocuments({ hocuspocus, bridgeSockets, durableLog, documents }: ErasureTargets, scope: ErasureScope): Promise<void> {
  const covered = (documentName: string) => inErasureScope(scope, parseDocumentName(documentName));
  // Marked before anything is closed or awaited: a connection that joins from now on is refused.
  const appendsSettled = durableLog.stopWriting(scope);
  const loaded = [...hocuspocus.documents.values()].filter((document) => covered(document.name));
  for (const document of loaded) for (const connection of document.getConnections()) connection.close(closeCodes.documentDeleted);
  for (const socket of bridgeSockets.all()) if (covered(socket.documentName)) socket.close(closeCodes.documentDeleted);
  await appendsSettled;
  // Documents in memory may hold no stored rows yet (opened, never written); erasing their names costs nothing.
  const names = new Set([...(await documents.listDocumentNames()).filter(covered), ...loaded.map((document) => document.name)]);
  await documents.eraseDocuments([...names]);
  await Promise.all(loaded.map((document) => unloadWithoutStoring(hocuspocus, document)));
}

/**
 * A debounced store would keep the document in memory until its timer fired: run it now (the
 * durable log stores nothing of an erased document), after which Hocuspocus unloads it. Without
 * one it is unloaded at once; one still held by a server-side read or a closing bridge socket is
 * unloaded when that lets go, again without being stored.
 */
async function unloadWithoutStoring(hocuspocus: Hocuspocus, document: Document): Promise<void> {
  const storeId = `onStoreDocument-${document.name}`;
  if (hocuspocus.debouncer.isDebounced(storeId)) await hocuspocus.debouncer.executeNow(storeId);
  else await hocuspocus.unloadDocument(document);
}
