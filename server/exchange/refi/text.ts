/**
 * The plain text of a REFI-QDA source versus our canonical text (SPEC C1: speaker turns joined by
 * "\n", UTF-16 offsets), and the offset units of REFI-QDA files (notes §5).
 *
 * Export writes one line per turn, `[hh:mm:ss] Speaker: text` (the speaker label and timestamp
 * are only written when present), joined by "\n", so other tools see who speaks.
 *
 * Import reads every non-blank line (CRLF, CR or LF) as one turn, and a leading speaker label in the
 * form our transcript import recognises becomes the turn's speaker. Dropped characters (labels, the
 * CR of a CRLF, blank lines, the line break after the last turn) map to the next kept character, so a
 * selection keeps exactly the words it covered.
 */
import { matchSpeakerLabel } from '../../../shared/transcripts/parseTranscript';
import type { ExchangeSource, ExchangeTurn } from '../model';

function speakerLabel(line: string): { speaker: string; timestamp: string | null; labelLength: number } | null {
  const label = matchSpeakerLabel(line);
  return label && { speaker: label.speaker, timestamp: label.timestamp, labelLength: line.length - label.rest.length };
}

export interface ExportedText {
  text: string;
  /** Canonical UTF-16 offset → UTF-16 offset in `text`. */
  toExported(canonical: number): number;
}

export function exportSourceText(source: Pick<ExchangeSource, 'turns'>): ExportedText {
  const lines: string[] = [];
  const turnStarts: number[] = [];
  const lineStarts: number[] = [];
  const labelLengths: number[] = [];
  let canonical = 0;
  let exported = 0;
  for (const turn of source.turns) {
    const label = turn.speaker ? `${turn.timestamp ? `[${turn.timestamp}] ` : ''}${turn.speaker}: ` : '';
    turnStarts.push(canonical);
    lineStarts.push(exported);
    labelLengths.push(label.length);
    lines.push(label + turn.text);
    canonical += turn.text.length + 1;
    exported += label.length + turn.text.length + 1;
  }
  return {
    text: lines.join('\n'),
    toExported(offset) {
      let low = 0;
      let high = turnStarts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (turnStarts[middle] <= offset) low = middle;
        else high = middle - 1;
      }
      if (turnStarts.length === 0) return 0;
      return lineStarts[low] + labelLengths[low] + (offset - turnStarts[low]);
    },
  };
}

/** UTF-16 offset → code-point offset in `text` (identity when it has no astral characters). */
export function codePointCounter(text: string): (utf16Offset: number) => number {
  if (!/[\ud800-\udbff][\udc00-\udfff]/.test(text)) return (offset) => offset;
  const before = new Int32Array(text.length + 1);
  let pairs = 0;
  for (let index = 0; index < text.length; index++) {
    before[index] = index - pairs;
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) pairs++;
    }
  }
  before[text.length] = text.length - pairs;
  return (offset) => before[offset];
}

export interface CanonicalText {
  turns: ExchangeTurn[];
  /** Raw UTF-16 offset (0..raw.length) → canonical offset. */
  rawToCanonical: Int32Array;
}

export function canonicalizeSourceText(raw: string): CanonicalText {
  const kept = new Uint8Array(raw.length);
  const turns: ExchangeTurn[] = [];
  let previousLineEnd = -1;
  const lineBreak = /\r\n|\r|\n/g;
  let lineStart = 0;
  for (;;) {
    const match = lineBreak.exec(raw);
    const lineEnd = match ? match.index : raw.length;
    const line = raw.slice(lineStart, lineEnd);
    if (line.trim() !== '') {
      const label = speakerLabel(line);
      const textStart = lineStart + (label?.labelLength ?? 0);
      turns.push({ speaker: label?.speaker ?? '', timestamp: label?.timestamp ?? null, text: raw.slice(textStart, lineEnd) });
      // The first break character after the previous turn stands for the "\n" joining the two.
      if (previousLineEnd >= 0) kept[previousLineEnd] = 1;
      kept.fill(1, textStart, lineEnd);
      previousLineEnd = lineEnd;
    }
    if (!match) break;
    lineStart = match.index + match[0].length;
  }
  const rawToCanonical = new Int32Array(raw.length + 1);
  let count = 0;
  for (let index = 0; index < raw.length; index++) {
    rawToCanonical[index] = count;
    count += kept[index];
  }
  rawToCanonical[raw.length] = count;
  return { turns, rawToCanonical };
}

/** How a file counts positions: code points or UTF-16 units, and whether a CRLF counts once or twice. */
export interface OffsetConvention {
  codePoints: boolean;
  crlfAsOne: boolean;
}

/**
 * File position → raw UTF-16 offset under a convention, or -1 where the position does not exist.
 * Returns null when the convention cannot differ from plain UTF-16 for this text.
 */
export function unitToRawTable(raw: string, convention: OffsetConvention): Int32Array | null {
  const hasAstral = convention.codePoints && /[\ud800-\udbff][\udc00-\udfff]/.test(raw);
  const hasCrlf = convention.crlfAsOne && raw.includes('\r\n');
  if (!hasAstral && !hasCrlf) return null;
  const table = new Int32Array(raw.length + 1);
  let unit = 0;
  table[0] = 0;
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    const next = raw.charCodeAt(index + 1);
    const joinsNext =
      (hasAstral && code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) || (hasCrlf && code === 0x0d && next === 0x0a);
    if (!joinsNext) table[++unit] = index + 1;
  }
  return table.subarray(0, unit + 1);
}

export function toRawOffset(table: Int32Array | null, rawLength: number, position: number): number {
  if (table === null) return position >= 0 && position <= rawLength ? position : -1;
  return position >= 0 && position < table.length ? table[position] : -1;
}

const wordCharacter = /[\p{L}\p{N}\p{M}_]/u;

function isSurrogateSplit(raw: string, offset: number): boolean {
  const before = raw.charCodeAt(offset - 1);
  const after = raw.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** True when `offset` is not inside a word (nor inside a surrogate pair or a CRLF). */
export function isWordBoundary(raw: string, offset: number): boolean {
  if (offset <= 0 || offset >= raw.length) return true;
  if (isSurrogateSplit(raw, offset)) return false;
  if (raw.charCodeAt(offset - 1) === 0x0d && raw.charCodeAt(offset) === 0x0a) return false;
  const before = String.fromCodePoint(raw.codePointAt(offset - 1) ?? 0);
  const beforeChar = isSurrogateSplit(raw, offset - 1) ? String.fromCodePoint(raw.codePointAt(offset - 2) ?? 0) : before;
  const after = String.fromCodePoint(raw.codePointAt(offset) ?? 0);
  return !(wordCharacter.test(beforeChar) && wordCharacter.test(after));
}
