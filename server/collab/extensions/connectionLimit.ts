/**
 * `connectionsPerDocumentMax` (SPEC H1) for Hocuspocus connections: one more than the cap, counting
 * the sockets of both protocols ({@link DocumentGate.admitConnection}), is refused with 4503 at
 * authentication, before it is established or sent any content. It runs after authentication so
 * that only a connection that would otherwise open counts, and before the pre-authentication gate
 * learns of it. Between this check and Hocuspocus adding the connection there is no I/O wait once
 * the document is loaded, so concurrent openers cannot all pass; only openers that wait together
 * for the document's first load can overshoot, by their number.
 */
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import type { CollabContext } from '../context';
import type { DocumentGate } from '../documentGate';

export class ConnectionLimitExtension implements Extension {
  extensionName = 'cocode-connection-limit';

  constructor(private readonly gate: DocumentGate) {}

  async onAuthenticate({ instance, documentName, context }: onAuthenticatePayload): Promise<void> {
    const refusal = this.gate.admitConnection(instance, documentName, (context as Partial<CollabContext>).user?.id ?? 'unknown user');
    // Hocuspocus answers a refused authentication with a permission-denied message carrying the reason.
    if (refusal) throw refusal;
  }
}
