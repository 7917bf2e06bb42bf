/**
 * Reading an untrusted zip (.qdpx) safely. The central directory is read and checked first (entry
 * count, entry names, declared sizes and compression ratio) before a single byte is inflated, and
 * inflation itself runs in small steps that stop as soon as the real output passes what the
 * directory declared, because declared sizes can lie.
 */
import { Inflate } from 'fflate';
import type { Limits } from '../../config';
import { type DomainError, invalid, tooLarge, unsupported } from '../../errors';

export type ZipLimits = Pick<Limits, 'zipEntriesMax' | 'zipUncompressedMaxBytes' | 'zipCompressionRatioMax'>;

export interface ZipEntry {
  name: string;
  method: number;
  compressedBytes: number;
  uncompressedBytes: number;
  /** Offset of the entry's local header. */
  localHeaderOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Inflates one entry, counting its bytes against the archive's total. */
  read(entry: ZipEntry): Uint8Array;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** Compressed bytes pushed per inflation step: a step can output at most ~1032 times this. */
const INFLATE_STEP_BYTES = 8 * 1024;
/** Small entries compress well above any sane ratio (a short run of spaces); only larger ones can be bombs. */
const RATIO_CHECK_MIN_BYTES = 64 * 1024;

const corrupt = (detail: string) => invalid(`the archive is damaged: ${detail}`, 'zip_corrupt');

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/** Refuses names that could escape an extraction folder, whoever later extracts the archive. */
function checkEntryName(name: string): void {
  const segments = name.split(/[/\\]/);
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name) || segments.includes('..') || name.includes('\0')) {
    throw invalid(`the archive contains an unsafe entry name "${name}" (absolute path, drive letter or "..")`, 'zip_unsafe_path');
  }
}

export function openZip(bytes: Uint8Array, limits: ZipLimits): ZipArchive {
  if (!looksLikeZip(bytes)) throw invalid('the file is not a zip archive (a .qdpx is a zip holding project.qde)', 'not_a_zip');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits in the last 22 bytes plus a comment of at most 65,535 bytes.
  let endRecord = -1;
  for (let offset = bytes.length - 22; offset >= Math.max(0, bytes.length - 22 - 0xffff); offset--) {
    if (view.getUint32(offset, true) === END_OF_CENTRAL_DIRECTORY) {
      endRecord = offset;
      break;
    }
  }
  if (endRecord === -1) throw corrupt('no central directory (truncated download?)');
  const entryCount = view.getUint16(endRecord + 10, true);
  const directoryOffset = view.getUint32(endRecord + 16, true);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) {
    throw unsupported('the archive is a ZIP64 archive; a .qdpx this large is not accepted', 'zip64_unsupported');
  }
  if (entryCount > limits.zipEntriesMax) {
    throw tooLarge(`the archive lists ${entryCount} entries; at most ${limits.zipEntriesMax} are accepted`, 'zip_too_many_entries');
  }

  const entries: ZipEntry[] = [];
  let declaredTotal = 0;
  let compressedTotal = 0;
  let offset = directoryOffset;
  const decoder = new TextDecoder();
  for (let index = 0; index < entryCount; index++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_DIRECTORY_ENTRY) throw corrupt(`central directory entry ${index + 1} is missing`);
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const compressedBytes = view.getUint32(offset + 20, true);
    const uncompressedBytes = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const localHeaderOffset = view.getUint32(offset + 42, true);
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
    checkEntryName(name);
    if (name.endsWith('/')) continue;
    if (flags & 1) throw unsupported(`the archive entry "${name}" is encrypted`, 'zip_encrypted');
    if (method !== STORED && method !== DEFLATED) {
      throw unsupported(`the archive entry "${name}" uses compression method ${method}; only stored and deflated entries are read`, 'zip_method_unsupported');
    }
    declaredTotal += uncompressedBytes;
    compressedTotal += compressedBytes;
    if (declaredTotal > limits.zipUncompressedMaxBytes) {
      throw tooLarge(`the archive would unpack to more than ${limits.zipUncompressedMaxBytes} bytes`, 'zip_too_large');
    }
    if (uncompressedBytes > RATIO_CHECK_MIN_BYTES && uncompressedBytes > limits.zipCompressionRatioMax * Math.max(1, compressedBytes)) {
      throw tooLarge(
        `the archive entry "${name}" claims a compression ratio above ${limits.zipCompressionRatioMax}:1 (a zip bomb?)`,
        'zip_ratio_too_high',
      );
    }
    entries.push({ name, method, compressedBytes, uncompressedBytes, localHeaderOffset });
  }
  if (declaredTotal > RATIO_CHECK_MIN_BYTES && declaredTotal > limits.zipCompressionRatioMax * Math.max(1, compressedTotal)) {
    throw tooLarge(`the archive claims a compression ratio above ${limits.zipCompressionRatioMax}:1 (a zip bomb?)`, 'zip_ratio_too_high');
  }

  let inflatedTotal = 0;
  return {
    entries,
    read(entry) {
      const header = entry.localHeaderOffset;
      if (header + 30 > bytes.length || view.getUint32(header, true) !== LOCAL_HEADER) throw corrupt(`the entry "${entry.name}" is missing`);
      const dataStart = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
      const dataEnd = dataStart + entry.compressedBytes;
      if (dataEnd > bytes.length) throw corrupt(`the entry "${entry.name}" is cut short`);
      const data = bytes.subarray(dataStart, dataEnd);
      const output = entry.method === STORED ? data.slice() : inflateBounded(entry, data);
      if (output.length !== entry.uncompressedBytes) throw sizeLie(entry);
      inflatedTotal += output.length;
      if (inflatedTotal > limits.zipUncompressedMaxBytes) {
        throw tooLarge(`the archive unpacks to more than ${limits.zipUncompressedMaxBytes} bytes`, 'zip_too_large');
      }
      return output;
    },
  };
}

function sizeLie(entry: ZipEntry): DomainError {
  return invalid(`the archive entry "${entry.name}" does not unpack to the size its directory declares (${entry.uncompressedBytes} bytes)`, 'zip_size_mismatch');
}

function inflateBounded(entry: ZipEntry, data: Uint8Array): Uint8Array {
  const output = new Uint8Array(entry.uncompressedBytes);
  let written = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (overflow || written + chunk.length > output.length) {
      overflow = true;
      return;
    }
    output.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let offset = 0; offset < data.length && !overflow; offset += INFLATE_STEP_BYTES) {
      inflater.push(data.subarray(offset, offset + INFLATE_STEP_BYTES), offset + INFLATE_STEP_BYTES >= data.length);
    }
  } catch (error) {
    throw corrupt(`the entry "${entry.name}" cannot be inflated (${(error as Error).message})`);
  }
  if (overflow || written !== output.length) throw sizeLie(entry);
  return output;
}
