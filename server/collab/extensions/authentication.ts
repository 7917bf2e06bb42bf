/**
 * Authenticates every websocket document connection (SPEC A1–A4): a missing or unknown credential
 * is refused, a document the user may not read is refused (blind mode included), and a document
 * the user may read but not write is opened read-only on the server.
 */
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import { accessToDocument } from '../../access';
import type { Authenticator } from '../../auth/authenticator';
import type { CollabContext } from '../context';

/** Hocuspocus sends an error's `reason` to the client in its permission-denied message. */
class AccessRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class AuthenticationExtension implements Extension {
  extensionName = 'cocode-authentication';

  constructor(private readonly authenticator: Authenticator) {}

  async onAuthenticate({ token, requestHeaders, documentName, connectionConfig }: onAuthenticatePayload): Promise<CollabContext> {
    // Hocuspocus calls this hook even without a token, so an empty credential must be refused here.
    // Browsers send no token: their httpOnly session cookie travels with the upgrade request.
    const user = await this.authenticator.userFromCredential(token || null, requestHeaders);
    if (!user) throw new AccessRefused('unauthorized: missing or invalid credentials');
    const name = parseDocumentName(documentName);
    if (!name) throw new AccessRefused('forbidden: not a cocode document name');
    const access = await accessToDocument(this.authenticator.store, user.id, name);
    if (!access) throw new AccessRefused('forbidden: no such document');
    if (!access.read.allowed) throw new AccessRefused(`forbidden: ${access.read.reason}`);
    connectionConfig.readOnly = !access.write.allowed;
    return { user, role: access.role, projectId: access.project.id, name, readOnly: connectionConfig.readOnly };
  }
}
