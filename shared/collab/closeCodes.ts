/** Websocket close codes cocode uses, shared so the client can map each to a connection state. */
export const closeCodes = {
  /** No or invalid credentials. */
  unauthorized: { code: 4401, reason: 'Unauthorized' },
  /** Authenticated, but this document is not yours to open (including blind mode). */
  forbidden: { code: 4403, reason: 'Forbidden' },
  /** Authentication did not complete in time. */
  authenticationTimeout: { code: 4408, reason: 'Authentication Timeout' },
  /** A frame exceeded the configured maximum payload. */
  messageTooBig: { code: 1009, reason: 'Message Too Big' },
  /** The document already has the maximum number of connections. */
  tooManyConnections: { code: 4503, reason: 'Too Many Connections' },
  /** The client sent something that is not a valid message. */
  malformedMessage: { code: 4400, reason: 'Malformed Message' },
  /** More frames were sent for unauthenticated documents than `preAuthMaxMessages` allows. */
  tooManyMessagesBeforeAuthentication: { code: 4429, reason: 'Too Many Messages Before Authentication' },
  /** More bytes were sent for unauthenticated documents than `preAuthMaxBytes` allows. */
  tooMuchDataBeforeAuthentication: { code: 4430, reason: 'Too Much Data Before Authentication' },
  /** The update would make the document larger than `documentMaxBytes`. */
  documentTooLarge: { code: 4507, reason: 'Document Too Large' },
  /** The update would give a coding layer more than `codingsPerLayerMax` codings. */
  tooManyCodings: { code: 4409, reason: 'Too Many Codings' },
  /** The update would make the transcript longer than `transcriptMaxChars`. */
  transcriptTooLong: { code: 4413, reason: 'Transcript Too Long' },
  /** The update writes a coding that breaks a coding rule (SPEC K1–K4): unknown code, forged author, … */
  invalidCoding: { code: 4406, reason: 'Invalid Coding' },
  /** The stored document failed validation on load; it stays closed until an operator repairs it. */
  brokenDocument: { code: 4422, reason: 'Broken Document' },
  /** An owner deleted the transcript or project this document belongs to; it is erased and cannot be opened again. */
  documentDeleted: { code: 4410, reason: 'Document Deleted' },
} as const;

export type CloseEvent = (typeof closeCodes)[keyof typeof closeCodes];

/**
 * Refusals of the whole socket arrive as a websocket close frame with the code. Refusals of one
 * document on a multiplexed socket arrive as Hocuspocus's per-document close or permission-denied
 * message, which carries only the reason; this maps that reason back to its code.
 */
export function closeEventForReason(reason: string): CloseEvent | null {
  return Object.values(closeCodes).find((event) => event.reason === reason) ?? null;
}
