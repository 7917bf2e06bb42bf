/**
 * The guards of the collaboration socket against hostile and over-limit input (SPEC H1–H8), built
 * from the one `Limits` object: a gate every socket passes before Hocuspocus, and the extensions
 * that go right after the authentication extension, in this order.
 */
import type { IncomingMessage } from 'node:http';
import type { Extension } from '@hocuspocus/server';
import type { WebSocket } from 'ws';
import type { Limits } from '../config';
import { codingsPerLayerLimit } from './extensions/codingsPerLayerLimit';
import { ConnectionLimitExtension } from './extensions/connectionLimit';
import { documentSizeLimit } from './extensions/documentSizeLimit';
import { transcriptLengthLimit } from './extensions/transcriptLengthLimit';
import { UpdateLimitExtension } from './extensions/updateLimit';
import { UpdateValidationExtension } from './extensions/updateValidation';
import { PreAuthenticationGate } from './preAuthenticationGate';
import { Refusals } from './refusals';

export interface CollabLimits {
  refusals: Refusals;
  /** Call for every new collaboration socket before handing it to Hocuspocus. */
  guardSocket(socket: WebSocket, request: IncomingMessage): void;
  extensions: Extension[];
}

export function collabLimits(limits: Limits, log: (message: string) => void): CollabLimits {
  const refusals = new Refusals(log);
  const gate = new PreAuthenticationGate(limits, refusals);
  const updateLimits = [
    documentSizeLimit(limits.documentMaxBytes),
    codingsPerLayerLimit(limits.codingsPerLayerMax),
    transcriptLengthLimit(limits.transcriptMaxChars),
  ];
  return {
    refusals,
    guardSocket: (socket, request) => gate.guard(socket, request),
    extensions: [
      // Refuses before the gate counts the document as authenticated.
      new ConnectionLimitExtension(limits.connectionsPerDocumentMax, refusals),
      gate.extension,
      // Validation first: the limits read the update it has decoded.
      new UpdateValidationExtension(refusals),
      ...updateLimits.map((limit) => new UpdateLimitExtension(limit, refusals)),
    ],
  };
}
