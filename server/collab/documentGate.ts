/**
 * The decisions every websocket document connection passes, whichever protocol it speaks: the
 * Hocuspocus extensions at /collab and the y-websocket bridge at /yjs both call these, so there is
 * one implementation of "who may open this document" (SPEC A1–A4, I1) and of the connection cap
 * (H1), and every refusal is recorded in the one `Refusals` (H8).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Hocuspocus } from '@hocuspocus/server';
import { type CloseEvent, closeCodes } from '../../shared/collab/closeCodes';
import { parseDocumentName } from '../../shared/collab/documentNames';
import { accessToDocument } from '../access';
import type { Authenticator } from '../auth/authenticator';
import { credentialFromHeaders, hashToken } from '../auth/tokens';
import { cookieOriginAllowed } from '../auth/originCheck';
import type { Limits } from '../config';
import type { CollabContext } from './context';
import type { ErasedDocuments } from './erasedDocuments';
import type { BridgeSockets } from './interop/bridgeSockets';
import type { Refusals } from './refusals';

/** Why a document was refused: the close event, and the message Hocuspocus clients are told. */
export interface AccessRefusal {
  event: CloseEvent;
  message: string;
}

export interface DocumentRequest {
  /** The token the client sent, if any; the session cookie in `headers` is tried without one. */
  token: string | null;
  headers: IncomingHttpHeaders;
  documentName: string;
  /** Who is asking, for the log: the peer address. */
  peer: string;
}

export class DocumentGate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly limits: Pick<Limits, 'connectionsPerDocumentMax'>,
    private readonly refusals: Refusals,
    private readonly bridgeSockets: BridgeSockets,
    /** The site's public origins; empty: the origin of the host each request was made to. */
    private readonly publicOrigins: readonly string[],
    private readonly erased: ErasedDocuments,
  ) {}

  /**
   * Authenticates the credential and decides read and write access to the document; a document
   * the user may read but not write is opened read-only. Nothing is loaded before this decision.
   */
  async authorize(request: DocumentRequest): Promise<{ context: CollabContext } | { refusal: AccessRefusal }> {
    const refuse = (event: CloseEvent, message: string) => {
      this.refusals.record(event, `${request.documentName} from ${request.peer}: ${message}`);
      return { refusal: { event, message } };
    };
    // An empty token is no credential; browsers send none and carry their httpOnly session cookie.
    // A socket that brings no token would ride on the session cookie: only from this site (SPEC A12).
    if (!request.token && !cookieOriginAllowed(request.headers, this.publicOrigins))
      return refuse(closeCodes.forbidden, `forbidden: cross-site websocket from ${String(request.headers.origin)} is not accepted`);
    const credential = request.token || credentialFromHeaders(request.headers);
    const user = credential ? await this.authenticator.userFromToken(credential) : null;
    if (!credential || !user) return refuse(closeCodes.unauthorized, 'unauthorized: missing or invalid credentials');
    const name = parseDocumentName(request.documentName);
    if (!name) return refuse(closeCodes.forbidden, 'forbidden: not a cocode document name');
    const access = await accessToDocument(this.authenticator.store, user.id, name);
    // A non-member hears the same as for a document that does not exist, so ids cannot be probed (SPEC A2).
    if (!access || access.role === null) return refuse(closeCodes.forbidden, 'forbidden: no such document');
    if (!access.read.allowed) return refuse(closeCodes.forbidden, `forbidden: ${access.read.reason}`);
    // Deleted while this was decided (SPEC E2): its record goes only after its documents are erased,
    // whose closing of connections ran already. Asked last, with nothing awaited before the caller lists the connection.
    if (this.erased.has(request.documentName)) return refuse(closeCodes.documentDeleted, closeCodes.documentDeleted.reason);
    return {
      context: { user, role: access.role, projectId: access.project.id, name, readOnly: !access.write.allowed, credentialHash: hashToken(credential) },
    };
  }

  /**
   * The connection cap (SPEC H1), counting the websocket connections of both protocols on the
   * document; REST and the repair pass use short direct connections and do not count. Null when
   * one more may open.
   */
  admitConnection(hocuspocus: Hocuspocus, documentName: string, userId: string): CloseEvent | null {
    const open = (hocuspocus.documents.get(documentName)?.getConnections().length ?? 0) + this.bridgeSockets.countOn(documentName);
    if (open < this.limits.connectionsPerDocumentMax) return null;
    this.refusals.record(closeCodes.tooManyConnections, `${documentName} already has ${open} connections; refused ${userId}`);
    return closeCodes.tooManyConnections;
  }
}
