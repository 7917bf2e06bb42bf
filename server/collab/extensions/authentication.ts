/**
 * Authenticates every Hocuspocus document connection (SPEC A1–A4) with the decision both protocols
 * share ({@link DocumentGate.authorize}): a missing or unknown credential is refused, a document the
 * user may not read is refused (blind mode included), and a document the user may read but not
 * write is opened read-only on the server.
 */
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import type { CollabContext } from '../context';
import type { DocumentGate } from '../documentGate';

/** Hocuspocus sends an error's `reason` to the client in its permission-denied message. */
class AccessRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class AuthenticationExtension implements Extension {
  extensionName = 'cocode-authentication';

  constructor(private readonly gate: DocumentGate) {}

  async onAuthenticate({ token, request, requestHeaders, documentName, connectionConfig }: onAuthenticatePayload): Promise<CollabContext> {
    // Hocuspocus calls this hook even without a token, so the gate must refuse an empty credential.
    const decision = await this.gate.authorize({
      token: token || null,
      headers: requestHeaders,
      documentName,
      peer: request.socket.remoteAddress ?? 'unknown',
    });
    if ('refusal' in decision) throw new AccessRefused(decision.refusal.message);
    connectionConfig.readOnly = decision.context.readOnly;
    return decision.context;
  }
}
