/**
 * What an incoming Hocuspocus frame would write to its document, read before it is applied so the
 * limit extensions can judge it. `beforeHandleMessage` hands every extension the same frame, so the
 * reading is cached per frame and done once however many limits ask.
 */
import { MessageType } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import * as Y from 'yjs';
import { readVarBytes, readVarText } from './frameReading';

export interface IncomingUpdate {
  update: Uint8Array;
  /** The update's structs, decoded (not integrated): what limits bound their estimates with. */
  structs: (Y.Item | Y.GC | Y.Skip)[];
}

const readFrames = new WeakMap<Uint8Array, IncomingUpdate | null>();

/**
 * The Yjs update a sync frame carries (SyncStep2 or Update), or null for frames that write nothing.
 * Throws when the frame or its update cannot be decoded completely: Yjs integrates an update's
 * structs before it reads its delete set, so a broken tail would otherwise be applied in part.
 */
export function incomingUpdate(frame: Uint8Array): IncomingUpdate | null {
  if (readFrames.has(frame)) return readFrames.get(frame) ?? null;
  const read = readFrame(frame);
  readFrames.set(frame, read);
  return read;
}

function readFrame(frame: Uint8Array): IncomingUpdate | null {
  const decoder = decoding.createDecoder(frame);
  readVarText(decoder);
  const type = decoding.readVarUint(decoder);
  if (type !== MessageType.Sync && type !== MessageType.SyncReply) return null;
  const syncType = decoding.readVarUint(decoder);
  if (syncType === messageYjsSyncStep1) {
    Y.decodeStateVector(readVarBytes(decoder).slice());
    return null;
  }
  if (syncType !== messageYjsSyncStep2 && syncType !== messageYjsUpdate) throw new Error(`unknown sync message type ${syncType}`);
  const update = readVarBytes(decoder);
  // Decoded from a copy that ends where the update ends, so nothing past it can be read as part of it.
  return { update, structs: Y.decodeUpdate(update.slice()).structs };
}
