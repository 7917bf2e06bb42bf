/**
 * A credential that ends (sign-out, API token revoked, password changed, account deleted) closes
 * its open connections of both protocols at once with 4401 (SPEC A9), instead of letting a socket
 * authenticated earlier live on.
 */
import type { Hocuspocus } from '@hocuspocus/server';
import { closeCodes } from '../../shared/collab/closeCodes';
import type { CollabContext } from './context';
import type { BridgeSockets } from './interop/bridgeSockets';

export function closeConnectionsOfCredentials(hocuspocus: Hocuspocus, bridgeSockets: BridgeSockets, tokenHashes: string[]): void {
  if (tokenHashes.length === 0) return;
  const revoked = new Set(tokenHashes);
  const ended = (context: unknown) => revoked.has((context as Partial<CollabContext> | undefined)?.credentialHash ?? '');
  for (const document of hocuspocus.documents.values())
    for (const connection of document.getConnections()) if (ended(connection.context)) connection.close(closeCodes.unauthorized);
  for (const connection of bridgeSockets.all()) if (ended(connection.context)) connection.close(closeCodes.unauthorized);
}
