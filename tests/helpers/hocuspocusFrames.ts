/** Raw Hocuspocus protocol frames, for tests that talk to the server without a provider. */
import { AuthMessageType } from '@hocuspocus/common';
import { MessageType } from '@hocuspocus/server';
import * as encoding from 'lib0/encoding';

/** A frame: the document name (or raw bytes in its place), then whatever `write` adds. */
export function frame(documentName: string | Uint8Array, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  if (typeof documentName === 'string') encoding.writeVarString(encoder, documentName);
  else encoding.writeVarUint8Array(encoder, documentName);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export const authFrame = (documentName: string, token: string) =>
  frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, MessageType.Auth);
    encoding.writeVarUint(encoder, AuthMessageType.Token);
    encoding.writeVarString(encoder, token);
  });
