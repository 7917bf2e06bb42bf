/**
 * Conversions between the canonical plain-text view of a transcript (turns joined by "\n",
 * offsets in UTF-16 code units), Yjs relative positions, turn indexes and ProseMirror positions.
 * Server (REST, repair, statistics, export) and client (editor decorations) use this one module.
 *
 * The transcript schema is `doc > paragraph+ > text*`, so each turn holds zero or one XmlText and
 * `pm = offset + turnIndex + 1`.
 */
import * as Y from 'yjs';
import { transcriptFragment, turnText, turnTextNode } from './schema';

export type AnchorStatus = 'ok' | 'collapsed' | 'pending' | 'lost';

export interface ResolvedAnchor {
  status: AnchorStatus;
  /** Canonical offsets; present for `ok` and `collapsed` (start === end at the deletion point). */
  start?: number;
  end?: number;
}

/** Start anchors stick to the first coded character, end anchors to the last one. */
export const startAssoc = 0;
export const endAssoc = -1;

export class TranscriptIndex {
  private texts: (Y.XmlText | null)[] = [];
  private turnOfText = new Map<Y.XmlText, number>();
  private lengths: number[] = [];
  private starts: number[] = [];
  private turnStrings: string[] = [];
  /** The joined text, kept until the next rebuild: resolving codings slices it thousands of times. */
  private joinedText: string | null = null;

  constructor(readonly doc: Y.Doc) {
    this.rebuild();
  }

  /** Re-reads the turn structure; call after the transcript changed (costs ~0.1 ms per 500 turns). */
  rebuild(): void {
    this.texts = [];
    this.turnOfText.clear();
    this.lengths = [];
    this.starts = [];
    this.turnStrings = [];
    this.joinedText = null;
    let offset = 0;
    for (const child of transcriptFragment(this.doc).toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      const text = turnTextNode(child);
      const value = turnText(text);
      if (text) this.turnOfText.set(text, this.texts.length);
      this.texts.push(text);
      this.turnStrings.push(value);
      this.lengths.push(value.length);
      this.starts.push(offset);
      offset += value.length + 1;
    }
  }

  get turnCount(): number {
    return this.texts.length;
  }

  /** Length of the canonical text in UTF-16 code units. */
  get length(): number {
    const last = this.texts.length - 1;
    return last < 0 ? 0 : this.starts[last] + this.lengths[last];
  }

  get text(): string {
    this.joinedText ??= this.turnStrings.join('\n');
    return this.joinedText;
  }

  turnStart(turnIndex: number): number {
    return this.starts[turnIndex];
  }

  turnLength(turnIndex: number): number {
    return this.lengths[turnIndex];
  }

  /** The turn containing `offset` (an offset on a "\n" belongs to the turn it ends). */
  turnAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** True when the offset falls between the two halves of a surrogate pair. */
  splitsSurrogatePair(offset: number): boolean {
    if (offset <= 0 || offset >= this.length) return false;
    const turn = this.turnAt(offset);
    const k = offset - this.starts[turn];
    const value = this.turnStrings[turn];
    if (k <= 0 || k >= value.length) return false;
    const before = value.charCodeAt(k - 1);
    const after = value.charCodeAt(k);
    return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  }

  /**
   * A relative position for a canonical offset. A start at a turn's end moves to the next
   * non-empty turn's start, an end at a turn's start moves to the previous non-empty turn's end,
   * because the "\n" between turns has no Yjs item. Null when no text can hold the anchor.
   */
  relativeFromOffset(offset: number, assoc: number): Y.RelativePosition | null {
    if (offset < 0 || offset > this.length || this.texts.length === 0) return null;
    let turn = this.turnAt(offset);
    let k = offset - this.starts[turn];
    if (assoc >= 0) {
      while (turn < this.texts.length && (k >= this.lengths[turn] || !this.texts[turn])) {
        turn += 1;
        k = 0;
      }
      if (turn >= this.texts.length) return null;
    } else {
      while (turn >= 0 && (k <= 0 || !this.texts[turn])) {
        turn -= 1;
        if (turn >= 0) k = this.lengths[turn];
      }
      if (turn < 0) return null;
    }
    return Y.createRelativePositionFromTypeIndex(this.texts[turn] as Y.XmlText, k, assoc);
  }

  encodeAnchor(offset: number, assoc: number): Uint8Array | null {
    const relative = this.relativeFromOffset(offset, assoc);
    return relative ? Y.encodeRelativePosition(relative) : null;
  }

  /**
   * The canonical offset of a relative position, or null when it cannot be resolved here.
   * Deletions are never followed through undo (`followUndoneDeletions = false`) so that the
   * server and every client agree.
   */
  resolve(relative: Y.RelativePosition): number | null {
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, this.doc, false);
    if (!absolute || !(absolute.type instanceof Y.XmlText)) return null;
    const turn = this.turnOfText.get(absolute.type);
    if (turn === undefined) return null;
    return this.starts[turn] + Math.min(absolute.index, this.lengths[turn]);
  }

  /** True when the position names an item this replica has not received yet. */
  isPending(relative: Y.RelativePosition): boolean {
    const item = relative.item;
    return item !== null && Y.getState(this.doc.store, item.client) <= item.clock;
  }

  /** Resolves a coding's two anchors and classifies the result. */
  resolveAnchors(start: Uint8Array, end: Uint8Array): ResolvedAnchor {
    const startRelative = Y.decodeRelativePosition(start);
    const endRelative = Y.decodeRelativePosition(end);
    const startOffset = this.resolve(startRelative);
    const endOffset = this.resolve(endRelative);
    if (startOffset === null || endOffset === null) {
      const pending = this.isPending(startRelative) || this.isPending(endRelative);
      return { status: pending ? 'pending' : 'lost' };
    }
    if (endOffset <= startOffset) return { status: 'collapsed', start: startOffset, end: startOffset };
    return { status: 'ok', start: startOffset, end: endOffset };
  }

  /** ProseMirror position of a canonical offset (doc > paragraph > text). */
  pmFromOffset(offset: number): number {
    return offset + this.turnAt(offset) + 1;
  }

  /** Canonical offset of a ProseMirror position inside a paragraph. */
  offsetFromPm(turnIndex: number, parentOffset: number): number {
    return this.starts[turnIndex] + parentOffset;
  }
}
