/**
 * The gates of the collaboration sockets (SPEC A1–A4, H1–H8, K1–K4), built once from the one
 * `Limits` object and shared by both protocols: the y-websocket bridge calls the same
 * {@link DocumentGate} and runs the same per-message extensions as /collab.
 *
 * Extensions, in this order: authentication, the connection cap, the pre-authentication gate
 * (it must learn only of connections that will be established), update validation (it decodes the
 * update the later ones read), the size limits, coding validation, the server-only consensus maps
 * (the reconciliation trail and claims, SPEC Q2), then the awareness policy
 * (presence bound to the connection's user, blind projects publishing no selections, SPEC A13).
 */
import type { IncomingMessage } from 'node:http';
import type { Extension } from '@hocuspocus/server';
import type { WebSocket } from 'ws';
import type { Authenticator } from '../auth/authenticator';
import type { Limits } from '../config';
import type { ProjectCodebooks } from './codebookCodes';
import { DocumentGate } from './documentGate';
import type { ErasedDocuments } from './erasedDocuments';
import { AuthenticationExtension } from './extensions/authentication';
import { AwarenessPolicyExtension } from './extensions/awarenessPolicy';
import { CodingValidationExtension } from './extensions/codingValidation';
import { codingsPerLayerLimit } from './extensions/codingsPerLayerLimit';
import { ConnectionLimitExtension } from './extensions/connectionLimit';
import { documentSizeLimit } from './extensions/documentSizeLimit';
import { ServerOnlyMapsExtension } from './extensions/serverOnlyMaps';
import { transcriptLengthLimit } from './extensions/transcriptLengthLimit';
import { UpdateLimitExtension } from './extensions/updateLimit';
import { UpdateValidationExtension } from './extensions/updateValidation';
import type { BridgeSockets } from './interop/bridgeSockets';
import { PreAuthenticationGate } from './preAuthenticationGate';
import { Refusals } from './refusals';

export interface CollabGates {
  refusals: Refusals;
  documentGate: DocumentGate;
  /** Call for every new /collab socket before handing it to Hocuspocus. */
  guardSocket(socket: WebSocket, request: IncomingMessage): void;
  extensions: Extension[];
}

export interface CollabGateOptions {
  limits: Limits;
  authenticator: Authenticator;
  bridgeSockets: BridgeSockets;
  codebooks: ProjectCodebooks;
  /** Origins cookie-authenticated sockets may come from (SPEC A12); empty: the request's own host. */
  publicOrigins: readonly string[];
  /** Documents erased by a deletion, refused at authentication (SPEC E2). */
  erased: ErasedDocuments;
  log: (message: string) => void;
}

export function collabGates({ limits, authenticator, bridgeSockets, codebooks, publicOrigins, erased, log }: CollabGateOptions): CollabGates {
  const refusals = new Refusals(log);
  const documentGate = new DocumentGate(authenticator, limits, refusals, bridgeSockets, publicOrigins, erased);
  const preAuthentication = new PreAuthenticationGate(limits, refusals);
  const updateLimits = [
    documentSizeLimit(limits.documentMaxBytes),
    codingsPerLayerLimit(limits.codingsPerLayerMax),
    transcriptLengthLimit(limits.transcriptMaxChars),
  ];
  return {
    refusals,
    documentGate,
    guardSocket: (socket, request) => preAuthentication.guard(socket, request),
    extensions: [
      new AuthenticationExtension(documentGate),
      new ConnectionLimitExtension(documentGate),
      preAuthentication.extension,
      new UpdateValidationExtension(refusals),
      ...updateLimits.map((limit) => new UpdateLimitExtension(limit, refusals)),
      new CodingValidationExtension({ limits, codebooks, store: authenticator.store, refusals, log }),
      new ServerOnlyMapsExtension(refusals),
      new AwarenessPolicyExtension(authenticator.store, bridgeSockets),
    ],
  };
}
