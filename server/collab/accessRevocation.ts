/**
 * Permissions change during long sessions (blind mode switched on, a role lowered, a member
 * removed). Open connections are re-checked at once: a connection that may no longer read is
 * closed with 4403, one that may no longer write becomes read-only (SPEC A3); one whose document
 * is gone with its transcript or project is closed with 4410 (E2). This covers both Hocuspocus
 * connections and the sockets of the y-websocket bridge (SPEC I1).
 */
import type { Hocuspocus } from '@hocuspocus/server';
import { closeCodes } from '../../shared/collab/closeCodes';
import { type CollabDocumentName, parseDocumentName } from '../../shared/collab/documentNames';
import { accessToDocument } from '../access';
import type { RelationalStore } from '../storage/types';
import type { CollabContext } from './context';
import { followBlindMode } from './extensions/awarenessPolicy';
import type { BridgeSockets } from './interop/bridgeSockets';

/** What both kinds of connection offer for the re-check. */
export interface RecheckableConnection {
  readonly context: unknown;
  readOnly: boolean;
  close(event: { code: number; reason: string }): void;
}

/**
 * Re-checks one connection of the project: closed with 4410 when its project or transcript no
 * longer exists (deleted, SPEC E2), with 4403 when it may no longer read, else read-only as its
 * write access says.
 */
export async function recheckConnection(
  store: RelationalStore,
  projectId: string,
  name: CollabDocumentName,
  connection: RecheckableConnection,
): Promise<void> {
  const context = connection.context as Partial<CollabContext> | undefined;
  if (!context?.user || context.projectId !== projectId) return;
  const access = await accessToDocument(store, context.user.id, name);
  if (!access) connection.close(closeCodes.documentDeleted);
  else if (!access.read.allowed) connection.close(closeCodes.forbidden);
  else connection.readOnly = !access.write.allowed;
}

/** Re-checks the project's open connections of both protocols; `bridgeSockets` are the /yjs ones. */
export async function reapplyProjectAccess(
  hocuspocus: Hocuspocus,
  bridgeSockets: BridgeSockets,
  store: RelationalStore,
  projectId: string,
): Promise<void> {
  // Presence first: selections published before blind mode came on must stop reaching coders (SPEC A13).
  await followBlindMode(hocuspocus, store, projectId);
  for (const document of hocuspocus.documents.values()) {
    const name = parseDocumentName(document.name);
    if (!name) continue;
    for (const connection of document.getConnections()) await recheckConnection(store, projectId, name, connection);
  }
  for (const connection of bridgeSockets.all()) await recheckConnection(store, projectId, connection.context.name, connection);
}
