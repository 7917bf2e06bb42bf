/**
 * Permissions change during long sessions (blind mode switched on, a role lowered, a member
 * removed). Open connections are re-checked at once: a connection that may no longer read is
 * closed with 4403, one that may no longer write becomes read-only (SPEC A3).
 */
import type { Hocuspocus } from '@hocuspocus/server';
import { closeCodes } from '../../shared/collab/closeCodes';
import { parseDocumentName } from '../../shared/collab/documentNames';
import { accessToDocument } from '../access';
import type { RelationalStore } from '../storage/types';
import type { CollabContext } from './context';

export async function reapplyProjectAccess(hocuspocus: Hocuspocus, store: RelationalStore, projectId: string): Promise<void> {
  for (const document of hocuspocus.documents.values()) {
    const name = parseDocumentName(document.name);
    if (!name) continue;
    for (const connection of document.getConnections()) {
      const context = connection.context as Partial<CollabContext> | undefined;
      if (!context?.user || context.projectId !== projectId) continue;
      const access = await accessToDocument(store, context.user.id, name);
      if (!access?.read.allowed) connection.close(closeCodes.forbidden);
      else connection.readOnly = !access.write.allowed;
    }
  }
}
