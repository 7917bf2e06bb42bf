/**
 * Reliability-data JSON (`{"level": "...", "data": [[...], ...]}`) read straight from a file's
 * bytes into integer category codes. JSON.parse would first build one array per unit and one value
 * per cell (100,000 units × 5 coders: half a million values for the garbage collector, then a Map
 * lookup per cell to code them); this one pass interns each distinct cell token by its bytes and
 * writes its code into an Int32Array, and `finishEncoding` turns that into the same EncodedMatrix
 * `encodeMatrix` makes of the parsed matrix.
 *
 * It accepts only what JSON.parse and the exact reader (parseAgreementJson) accept and read the
 * same way: every distinct token, key and other value is decoded by JSON.parse itself. On anything
 * else (malformed JSON, invalid UTF-8, unitized data, a cell that is not a number, a non-blank label
 * or null, ragged or empty rows, a level that is not one, a key given twice) it returns null, and the
 * caller runs the exact reader, which explains the problem with file, row and column.
 */
import { type EncodedMatrix, finishEncoding, MISSING, type ProvisionalCoding } from './coded/encode';
import { MEASUREMENT_LEVELS, type MeasurementLevel } from './coded/types';

export interface ScannedReliabilityData {
  /** The file's own "level", when it has one. */
  level: MeasurementLevel | undefined;
  encoded: EncodedMatrix;
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_ARRAY = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_ARRAY = 0x5d;
const LOWER_E = 0x65;
const LOWER_L = 0x6c;
const LOWER_N = 0x6e;
const LOWER_U = 0x75;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** FNV-1a, 32 bits: a cheap hash of a token's bytes for the intern table. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Returned by the intern table for a token the fast path does not take. */
const REFUSED = -2;
/** A one-byte token not seen yet. */
const UNKNOWN = -3;
/** One-byte tokens are looked up directly: they are all below DEL (digits, in practice). */
const SINGLE_BYTE_TOKENS = 0x80;
/** Cells reserved before the first grow: a million cells (4 MiB) covers 200,000 units × 5 coders. */
const MAX_INITIAL_CELLS = 1 << 20;

/** Strict, so invalid UTF-8 falls back to the exact reader instead of being decoded differently. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** What JSON.parse cannot decode. */
const UNDECODABLE = Symbol('undecodable');

/** The JSON value in bytes[start, end), decoded by JSON.parse, or UNDECODABLE. */
function decodeJson(bytes: Uint8Array, start: number, end: number): unknown {
  try {
    return JSON.parse(strictUtf8.decode(bytes.subarray(start, end)));
  } catch {
    return UNDECODABLE;
  }
}

function isMeasurementLevelValue(value: unknown): value is MeasurementLevel {
  return typeof value === 'string' && (MEASUREMENT_LEVELS as readonly string[]).includes(value);
}

/** JSON's four whitespace bytes only: anything else between tokens is malformed JSON. */
function skipWhitespace(bytes: Uint8Array, from: number): number {
  let pos = from;
  while (pos < bytes.length) {
    const byte = bytes[pos];
    if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) break;
    pos++;
  }
  return pos;
}

/** What may follow a cell: a separator, the end of its row or whitespace. */
function isDelimiter(byte: number): boolean {
  return byte === COMMA || byte === CLOSE_ARRAY || byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB;
}

/** Bytes that may appear in a JSON number (JSON.parse checks their order). */
function isNumberByte(byte: number): boolean {
  return (byte >= DIGIT_ZERO && byte <= DIGIT_NINE) || byte === MINUS || byte === PLUS || byte === DOT || byte === LOWER_E || byte === UPPER_E;
}

/** The position after the string starting with the quote at `start`, or -1 when it never closes. */
function stringEnd(bytes: Uint8Array, start: number): number {
  let pos = start + 1;
  while (pos < bytes.length) {
    const byte = bytes[pos++];
    if (byte === QUOTE) return pos;
    if (byte === BACKSLASH) pos++;
  }
  return -1;
}

/**
 * The position after the JSON value starting at `start`, or -1 when it never ends. Only the extent:
 * JSON.parse of the slice decides whether it is a value.
 */
function valueEnd(bytes: Uint8Array, start: number): number {
  const first = bytes[start];
  if (first === QUOTE) return stringEnd(bytes, start);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    let pos = start;
    while (pos < bytes.length) {
      const byte = bytes[pos];
      if (byte === QUOTE) {
        pos = stringEnd(bytes, pos);
        if (pos < 0) return -1;
        continue;
      }
      if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
      pos++;
      if (depth === 0) return pos;
    }
    return -1;
  }
  let pos = start;
  while (pos < bytes.length) {
    const byte = bytes[pos];
    if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB) break;
    pos++;
  }
  return pos;
}

/**
 * Distinct cell tokens by their bytes (so `"a"` and `"\u0061"` are two tokens), each mapped to the
 * provisional code of its value; values are told apart as encodeMatrix tells them apart (a Map keyed
 * by the value), so those two tokens share one code, and so do `1` and `1.0`.
 */
class TokenTable {
  readonly values: (number | string)[] = [];
  allNumeric = true;
  private readonly codeOfValue = new Map<number | string, number>();
  private slots = new Int32Array(64);
  private readonly tokenStart: number[] = [];
  private readonly tokenLength: number[] = [];
  private readonly tokenHash: number[] = [];
  private readonly tokenCode: number[] = [];

  constructor(private readonly bytes: Uint8Array) {}

  /** The provisional code of the token bytes[start, end), or REFUSED. */
  codeOf(start: number, end: number): number {
    const { bytes, slots } = this;
    const length = end - start;
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], FNV_PRIME);
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = slots[slot] - 1;
      if (entry < 0) break;
      if (this.tokenHash[entry] === hash && this.tokenLength[entry] === length) {
        const other = this.tokenStart[entry];
        let same = true;
        for (let i = 0; i < length; i++) {
          if (bytes[start + i] !== bytes[other + i]) {
            same = false;
            break;
          }
        }
        if (same) return this.tokenCode[entry];
      }
      slot = (slot + 1) & mask;
    }
    const code = this.codeOfNewToken(start, end);
    if (code === REFUSED) return REFUSED;
    slots[slot] = this.tokenCode.length + 1;
    this.tokenStart.push(start);
    this.tokenLength.push(length);
    this.tokenHash.push(hash);
    this.tokenCode.push(code);
    // Kept at most half full, so probes stay short.
    if (2 * this.tokenCode.length > slots.length) this.rehash();
    return code;
  }

  /** The cell rules of the exact reader: a finite number or a label that is not blank. */
  private codeOfNewToken(start: number, end: number): number {
    const value = decodeJson(this.bytes, start, end);
    const acceptable = (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '');
    if (!acceptable) return REFUSED;
    const known = this.codeOfValue.get(value);
    if (known !== undefined) return known;
    const code = this.values.length;
    this.codeOfValue.set(value, code);
    this.values.push(value);
    if (typeof value !== 'number') this.allNumeric = false;
    return code;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.tokenCode.length; entry++) {
      let slot = this.tokenHash[entry] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function grownInt32(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

function grownUint8(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(array.length * 2);
  grown.set(array);
  return grown;
}

/**
 * The position after the cell token (number or string) starting at `start`, or -1 when there is
 * none. Only the extent: the intern table has JSON.parse decode each distinct token.
 */
function cellTokenEnd(bytes: Uint8Array, start: number): number {
  const first = bytes[start];
  if (first === QUOTE) return stringEnd(bytes, start);
  if (!isNumberByte(first)) return -1;
  let pos = start + 1;
  while (pos < bytes.length && isNumberByte(bytes[pos])) pos++;
  return pos;
}

/**
 * The array of rows starting at `start`: each cell's provisional code, row after row, and the
 * position after the array; null when it is not an array of equally long, non-empty rows of
 * acceptable cells.
 *
 * This loop runs once per file, mostly before the optimizing compiler has compiled it, so the
 * common cells (a one-byte code, null) and compact separators take as few steps as possible and
 * everything else is left to functions outside it.
 */
function scanRows(bytes: Uint8Array, start: number): { coding: ProvisionalCoding; end: number } | null {
  if (bytes[start] !== OPEN_ARRAY) return null;
  let pos = skipWhitespace(bytes, start + 1);
  const tokens = new TokenTable(bytes);
  /** Codes of the one-byte tokens seen so far (digits), UNKNOWN until seen. */
  const singleByteCode = new Int32Array(SINGLE_BYTE_TOKENS).fill(UNKNOWN);
  // Every cell takes at least two bytes (the value and a separator).
  let codes = new Int32Array(Math.min(MAX_INITIAL_CELLS, Math.floor((bytes.length - pos) / 2) + 1));
  let columnHasValue = new Uint8Array(8);
  let width = -1;
  let unitCount = 0;
  let cell = 0;
  for (;;) {
    if (bytes[pos] !== OPEN_ARRAY) return null;
    pos++;
    if (bytes[pos] <= SPACE) pos = skipWhitespace(bytes, pos);
    let column = 0;
    for (;;) {
      if (column === width) return null;
      if (cell === codes.length) codes = grownInt32(codes);
      if (column === columnHasValue.length) columnHasValue = grownUint8(columnHasValue);
      const first = bytes[pos];
      let code: number;
      if (first === LOWER_N) {
        if (bytes[pos + 1] !== LOWER_U || bytes[pos + 2] !== LOWER_L || bytes[pos + 3] !== LOWER_L) return null;
        code = MISSING;
        pos += 4;
      } else {
        code = first < SINGLE_BYTE_TOKENS && isDelimiter(bytes[pos + 1]) ? singleByteCode[first] : UNKNOWN;
        if (code !== UNKNOWN) {
          pos++;
        } else {
          const end = cellTokenEnd(bytes, pos);
          if (end < 0) return null;
          code = tokens.codeOf(pos, end);
          if (code === REFUSED) return null;
          if (end === pos + 1) singleByteCode[first] = code;
          pos = end;
        }
        columnHasValue[column] = 1;
      }
      codes[cell++] = code;
      column++;
      let separator = bytes[pos];
      if (separator <= SPACE) {
        pos = skipWhitespace(bytes, pos);
        separator = bytes[pos];
      }
      pos++;
      if (separator === COMMA) {
        if (bytes[pos] <= SPACE) pos = skipWhitespace(bytes, pos);
        continue;
      }
      if (separator === CLOSE_ARRAY) break;
      return null;
    }
    if (width < 0) width = column;
    else if (column !== width) return null;
    unitCount++;
    let separator = bytes[pos];
    if (separator <= SPACE) {
      pos = skipWhitespace(bytes, pos);
      separator = bytes[pos];
    }
    pos++;
    if (separator === COMMA) {
      if (bytes[pos] <= SPACE) pos = skipWhitespace(bytes, pos);
      continue;
    }
    if (separator === CLOSE_ARRAY) break;
    return null;
  }
  return {
    coding: { unitCount, columnCount: width, codes, values: tokens.values, allNumeric: tokens.allNumeric, columnHasValue: columnHasValue.subarray(0, width) },
    end: pos,
  };
}

/**
 * The file's reliability data, integer-coded, when the file is a JSON object with a "data" array of
 * equally long rows of numbers, labels and nulls (and optionally a known "level" and other keys);
 * null for anything else, which the exact reader then handles.
 */
export function scanReliabilityJson(bytes: Uint8Array): ScannedReliabilityData | null {
  let pos = skipWhitespace(bytes, 0);
  if (bytes[pos] !== OPEN_OBJECT) return null;
  pos = skipWhitespace(bytes, pos + 1);
  let level: MeasurementLevel | undefined;
  let levelSeen = false;
  let coding: ProvisionalCoding | undefined;
  for (;;) {
    if (bytes[pos] !== QUOTE) return null;
    const keyEnd = stringEnd(bytes, pos);
    if (keyEnd < 0) return null;
    const key = decodeJson(bytes, pos, keyEnd);
    pos = skipWhitespace(bytes, keyEnd);
    if (bytes[pos] !== COLON) return null;
    pos = skipWhitespace(bytes, pos + 1);
    if (key === 'data') {
      if (coding) return null;
      const rows = scanRows(bytes, pos);
      if (!rows) return null;
      coding = rows.coding;
      pos = rows.end;
    } else {
      // Unitized data and keys given twice (JSON.parse keeps the last) are the exact reader's.
      if (typeof key !== 'string' || key === 'continuum' || (key === 'level' && levelSeen)) return null;
      const end = valueEnd(bytes, pos);
      if (end < 0) return null;
      const value = decodeJson(bytes, pos, end);
      if (value === UNDECODABLE) return null;
      if (key === 'level') {
        if (!isMeasurementLevelValue(value)) return null;
        level = value;
        levelSeen = true;
      }
      pos = end;
    }
    pos = skipWhitespace(bytes, pos);
    if (bytes[pos] === COMMA) {
      pos = skipWhitespace(bytes, pos + 1);
      continue;
    }
    if (bytes[pos] === CLOSE_OBJECT) break;
    return null;
  }
  if (skipWhitespace(bytes, pos + 1) !== bytes.length || !coding) return null;
  return { level, encoded: finishEncoding(coding) };
}
