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
} as const;
