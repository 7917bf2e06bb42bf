/**
 * The one coding model: the rules for a coding's range, how it is anchored to its words, how a
 * stored coding is turned back into offsets, and the per-field rules every write path enforces
 * (SPEC K1–K5). REST, websocket validation, the editor, the agreement report and the exporters all
 * use these functions, so a coding means the same thing everywhere.
 */
import * as Y from 'yjs';
import type { StoredCoding } from './schema';
import { type AnchorStatus, endAssoc, startAssoc, type TranscriptIndex } from './transcriptIndex';

/** Why a range cannot be coded; the codes double as REST error codes. */
export type RangeRefusal =
  | { code: 'empty_range'; message: string }
  | { code: 'out_of_range'; message: string }
  | { code: 'splits_character'; message: string };

export interface CodingAnchors {
  start: Uint8Array;
  end: Uint8Array;
  /** The coded words, kept so the repair pass can find them again (SPEC C3). */
  quote: string;
}

/**
 * Anchors a canonical range exactly as given (SPEC K1, C2, C4): refuses empty, out-of-range and
 * character-splitting ranges and ranges that cover only turn breaks.
 */
export function anchorRange(index: TranscriptIndex, start: number, end: number): { anchors: CodingAnchors } | { refusal: RangeRefusal } {
  if (start >= end) return { refusal: { code: 'empty_range', message: `start (${start}) must be less than end (${end})` } };
  if (end > index.length) return { refusal: { code: 'out_of_range', message: `end (${end}) is outside the text (length ${index.length})` } };
  for (const [field, offset] of [
    ['start', start],
    ['end', end],
  ] as const)
    if (index.splitsSurrogatePair(offset))
      return {
        refusal: { code: 'splits_character', message: `${field} (${offset}) splits a surrogate pair (an emoji or other astral character)` },
      };
  const startAnchor = index.encodeAnchor(start, startAssoc);
  const endAnchor = index.encodeAnchor(end, endAssoc);
  const quote = index.text.slice(start, end);
  if (!startAnchor || !endAnchor || quote.replace(/\n/g, '').length === 0)
    return { refusal: { code: 'empty_range', message: 'the range covers no transcript text (only turn breaks)' } };
  return { anchors: { start: startAnchor, end: endAnchor, quote } };
}

/**
 * Trims surrounding whitespace off a selection; null when nothing codable is left. The editor
 * applies it before anchoring because coders sweep selections generously; REST stores exactly the
 * range a script sends.
 */
export function trimRange(text: string, start: number, end: number): { start: number; end: number } | null {
  let from = Math.max(0, Math.min(start, end));
  let to = Math.min(text.length, Math.max(start, end));
  while (from < to && /\s/.test(text[from])) from += 1;
  while (to > from && /\s/.test(text[to - 1])) to -= 1;
  return from < to ? { start: from, end: to } : null;
}

/** `invalid`: the stored anchors do not decode; the coding is reported, never fatal (SPEC K5). */
export type CodingStatus = AnchorStatus | 'invalid';

export interface CodingOffsets {
  status: CodingStatus;
  /** Resolved offsets when `ok`; otherwise the last known ones. */
  start: number;
  end: number;
  /** The words now at the offsets when `ok`; otherwise the stored quote. */
  text: string;
}

/** Whether both of a stored coding's anchors decode as Yjs relative positions (SPEC K1). */
export function anchorsDecode(coding: Pick<StoredCoding, 'start' | 'end'>): boolean {
  try {
    Y.decodeRelativePosition(coding.start);
    Y.decodeRelativePosition(coding.end);
    return true;
  } catch {
    return false;
  }
}

/** Where a stored coding's words are now in this replica (SPEC C2, K5). */
export function codingOffsets(index: TranscriptIndex, coding: StoredCoding): CodingOffsets {
  let resolved: ReturnType<TranscriptIndex['resolveAnchors']>;
  try {
    resolved = index.resolveAnchors(coding.start, coding.end);
  } catch {
    return { status: 'invalid', start: coding.lastStart, end: coding.lastEnd, text: coding.quote };
  }
  if (resolved.status === 'ok' && resolved.start !== undefined && resolved.end !== undefined)
    return { status: 'ok', start: resolved.start, end: resolved.end, text: index.text.slice(resolved.start, resolved.end) };
  return { status: resolved.status, start: coding.lastStart, end: coding.lastEnd, text: coding.quote };
}

/** Whether a coding counts as shown on its words (agreement, exports): resolved, and not orphaned. */
export const isOnItsWords = (offsets: CodingOffsets): boolean => offsets.status === 'ok';

/** Codings per code id. */
export function codeUsage(codings: Iterable<Pick<StoredCoding, 'codeId'>>, into = new Map<string, number>()): Map<string, number> {
  for (const coding of codings) into.set(coding.codeId, (into.get(coding.codeId) ?? 0) + 1);
  return into;
}

/** A new stored coding on anchored words. */
export function newCoding(input: {
  id: string;
  codeId: string;
  anchors: CodingAnchors;
  start: number;
  end: number;
  memo: string;
  createdBy: string;
  createdAt?: string;
}): StoredCoding {
  return {
    id: input.id,
    codeId: input.codeId,
    start: input.anchors.start,
    end: input.anchors.end,
    quote: input.anchors.quote,
    lastStart: input.start,
    lastEnd: input.end,
    memo: input.memo,
    createdAt: input.createdAt ?? new Date().toISOString(),
    createdBy: input.createdBy,
    orphaned: false,
  };
}

/** The fields that move a coding onto new words, keeping its id, code, memo and author. */
export function reanchorPatch(anchors: CodingAnchors, start: number, end: number) {
  return { start: anchors.start, end: anchors.end, quote: anchors.quote, lastStart: start, lastEnd: end, orphaned: false };
}
