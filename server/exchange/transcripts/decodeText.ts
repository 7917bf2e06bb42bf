/**
 * Bytes of an uploaded text file → a JavaScript string with "\n" line endings. Encodings are never
 * guessed: UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark are read,
 * anything else is refused with the offset of the first byte that does not fit, because a silently
 * substituted U+FFFD would become part of the canonical text and of every coding quoting it.
 */
import { DomainError, invalid } from '../../errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

const notDecodable = (message: string) => invalid(message, 'not_decodable');
const notText = (message: string) => new DomainError('invalid', 'not_text_file', message);

/**
 * The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1 when all of it is UTF-8.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array, from = 0): number {
  let index = from;
  while (index < bytes.length) {
    const lead = bytes[index];
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let length: number;
    let secondMin = 0x80;
    let secondMax = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) secondMin = 0xa0;
      if (lead === 0xed) secondMax = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) secondMin = 0x90;
      if (lead === 0xf4) secondMax = 0x8f;
    } else return index;
    if (index + length > bytes.length) return index;
    const second = bytes[index + 1];
    if (second < secondMin || second > secondMax) return index;
    for (let next = 2; next < length; next += 1) {
      const continuation = bytes[index + next];
      if (continuation < 0x80 || continuation > 0xbf) return index;
    }
    index += length;
  }
  return -1;
}

/** Byte offset of the first unpaired surrogate in UTF-16 code units after the 2-byte BOM, or -1. */
function firstUnpairedSurrogateOffset(bytes: Uint8Array, littleEndian: boolean): number {
  const unitAt = (offset: number) => (littleEndian ? bytes[offset] | (bytes[offset + 1] << 8) : (bytes[offset] << 8) | bytes[offset + 1]);
  for (let offset = 2; offset + 1 < bytes.length; offset += 2) {
    const unit = unitAt(offset);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = offset + 3 < bytes.length ? unitAt(offset + 2) : -1;
      if (next < 0xdc00 || next > 0xdfff) return offset;
      offset += 2;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return offset;
  }
  return -1;
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string {
  if (bytes.length % 2 !== 0)
    throw notDecodable(`not decodable as ${encoding.toUpperCase()}: the file ends in half a character (byte ${bytes.length - 1})`);
  // The platform decoder would turn an unpaired surrogate into U+FFFD, or (fatal) not say where it is.
  const offset = firstUnpairedSurrogateOffset(bytes, encoding === 'utf-16le');
  if (offset >= 0) throw notDecodable(`not decodable as ${encoding.toUpperCase()}: an unpaired surrogate at byte ${offset}`);
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(2));
}

// C0 controls other than tab, line feed, vertical tab, form feed and carriage return, plus DEL, do
// not occur in typed text: their presence means a binary file (or an encoding we do not read).
function isBinaryControl(unit: number): boolean {
  return unit <= 0x08 || (unit >= 0x0e && unit <= 0x1f) || unit === 0x7f;
}

function refuseBinary(text: string, encoding: TextEncodingName, bomBytes: number): void {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (!isBinaryControl(unit)) continue;
    const before = text.slice(0, index);
    const byteOffset = bomBytes + (encoding === 'utf-8' ? new TextEncoder().encode(before).length : before.length * 2);
    throw notText(`not a text file: control character U+${unit.toString(16).toUpperCase().padStart(4, '0')} at byte ${byteOffset}`);
  }
}

/**
 * Decodes a text file. Throws `not_decodable` (invalid UTF-8 / UTF-16, naming the byte offset) or
 * `not_text_file` (NUL and other binary control characters). Line endings become "\n".
 */
export function decodeTextFile(bytes: Uint8Array): DecodedText {
  let text: string;
  let encoding: TextEncodingName;
  let bomBytes = 0;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    bomBytes = 2;
    text = decodeUtf16(bytes, encoding);
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    bomBytes = 2;
    text = decodeUtf16(bytes, encoding);
  } else {
    encoding = 'utf-8';
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bomBytes = 3;
    // A NUL byte says "binary" more truthfully than the invalid sequence that usually follows it.
    const nul = bytes.indexOf(0);
    if (nul >= 0)
      throw notText(`not a text file: a NUL byte at byte ${nul} (binary data, or UTF-16 without a byte order mark)`);
    const offset = firstInvalidUtf8Offset(bytes, bomBytes);
    if (offset >= 0)
      throw notDecodable(
        `not decodable as UTF-8: invalid byte 0x${bytes[offset].toString(16).toUpperCase().padStart(2, '0')} at byte ${offset}; save the file as UTF-8`,
      );
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(bomBytes));
  }
  refuseBinary(text, encoding, bomBytes);
  return { text: text.replace(/\r\n?/g, '\n'), encoding };
}
