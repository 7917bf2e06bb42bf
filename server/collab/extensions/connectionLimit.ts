/**
 * `connectionsPerDocumentMax` (SPEC H1): a document holds at most that many websocket connections;
 * one more is refused with 4503 at authentication, before it is established or sent any content.
 * It runs after authentication so that only a connection that would otherwise open counts, and
 * before the pre-authentication gate learns of it. Between this check and Hocuspocus adding the
 * connection there is no I/O wait once the document is loaded, so concurrent openers cannot all
 * pass; only openers that wait together for the document's first load can overshoot, by their
 * number.
 */
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import { closeCodes } from '../../../shared/collab/closeCodes';
import type { Refusals } from '../refusals';

export class ConnectionLimitExtension implements Extension {
  extensionName = 'cocode-connection-limit';

  constructor(
    private readonly maxConnections: number,
    private readonly refusals: Refusals,
  ) {}

  async onAuthenticate({ instance, documentName }: onAuthenticatePayload): Promise<void> {
    // Websocket connections only: REST and the repair pass use short direct connections.
    const open = instance.documents.get(documentName)?.getConnections().length ?? 0;
    if (open < this.maxConnections) return;
    this.refusals.record(closeCodes.tooManyConnections, `${documentName} already has ${open} connections`);
    // Hocuspocus answers a refused authentication with a permission-denied message carrying the reason.
    throw closeCodes.tooManyConnections;
  }
}
