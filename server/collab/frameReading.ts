/**
 * Bounded readers for incoming frames. lib0 reads a length-prefixed field as a view of the
 * underlying ArrayBuffer without checking the length against the end of the array it decodes, and
 * ws hands each frame over as a view into a larger network buffer: a frame that lies about a length
 * would be decoded together with the bytes that follow it. These readers refuse such a frame.
 */
import * as decoding from 'lib0/decoding';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readVarBytes(decoder: decoding.Decoder): Uint8Array {
  const length = decoding.readVarUint(decoder);
  if (length > decoder.arr.length - decoder.pos) throw new Error(`a ${length}-byte field runs past the end of the frame`);
  return decoding.readUint8Array(decoder, length);
}

export function readVarText(decoder: decoding.Decoder): string {
  return utf8.decode(readVarBytes(decoder));
}
