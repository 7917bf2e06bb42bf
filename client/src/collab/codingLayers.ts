/**
 * The coding rules as the coding view applies them to its layer documents, with no network: it
 * turns stored codings into ranges for the editor (through the shared `codingOffsets`), counts
 * codes per layer, and writes new, changed, moved and removed codings under this person's undo
 * history. Every range goes through the shared `trimRange` and `anchorRange`, so the editor codes
 * exactly what REST and the websocket validation accept.
 */
import type * as Y from 'yjs';
import { anchorRange, type CodingAnchors, codeUsage, codingOffsets, newCoding, type RangeRefusal, reanchorPatch, trimRange } from '../../../shared/collab/codings';
import { getCoding, patchCoding, putCoding, readCodings, removeCoding, type StoredCoding } from '../../../shared/collab/schema';
import type { TranscriptIndex } from '../../../shared/collab/transcriptIndex';
import type { CodingHistory } from './codingHistory';

export type LayerKind = 'mine' | 'coder' | 'consensus';

/** One coding layer as the view shows it: a coder's (or the consensus) codings of this transcript. */
export interface CodingLayer {
  /** The coder's user id, or the consensus layer id. */
  id: string;
  kind: LayerKind;
  label: string;
  doc: Y.Doc;
}

interface CodingFields<L extends CodingLayer> {
  id: string;
  layer: L;
  codeId: string;
  memo: string;
  quote: string;
  createdBy: string;
}

/** A coding shown on its words, at canonical offsets into the transcript text. */
export interface ResolvedCoding<L extends CodingLayer = CodingLayer> extends CodingFields<L> {
  start: number;
  end: number;
}

/**
 * A coding that cannot be shown on its words: they are gone, the repair pass marked it orphaned,
 * or its stored anchors do not decode. Kept, listed, and re-attachable by adjusting its boundaries.
 */
export type UnanchoredCoding<L extends CodingLayer = CodingLayer> = CodingFields<L>;

export interface Resolution<L extends CodingLayer = CodingLayer> {
  resolved: ResolvedCoding<L>[];
  unanchored: UnanchoredCoding<L>[];
}

/** Why a range was refused; `blank` covers selections of only turn breaks or spaces. */
export type BoundaryRefusal = 'missing' | 'blank' | 'splits-character' | 'unchanged';

/** The shared range refusals in the words the coding view already uses. */
const boundaryRefusalFor: Record<RangeRefusal['code'], BoundaryRefusal> = {
  empty_range: 'blank',
  // A trimmed range lies inside the text it was trimmed against; only a concurrent shortening could get here.
  out_of_range: 'blank',
  splits_character: 'splits-character',
};

export type CodingCreation = { created: true; coding: StoredCoding } | { created: false; refusal: BoundaryRefusal };

export type BoundaryAdjustment = { adjusted: true; quote: string } | { adjusted: false; refusal: BoundaryRefusal };

type Anchoring = { range: { start: number; end: number }; anchors: CodingAnchors } | { refusal: BoundaryRefusal };

export class CodingLayers<L extends CodingLayer = CodingLayer> {
  constructor(
    readonly index: TranscriptIndex,
    readonly layers: readonly L[],
    /** Undo history of the layers this person writes (tracked by the caller). */
    readonly history: CodingHistory,
    private readonly authorId: string,
    /** Names codes in undo labels ("applying “Trust”"). */
    private readonly codeName: (codeId: string) => string,
  ) {}

  layer(id: string): L | undefined {
    return this.layers.find((layer) => layer.id === id);
  }

  /**
   * Codings of the given layers whose words are present in this replica, and those that cannot be
   * shown on their words (codings waiting for transcript updates excluded). An orphaned coding
   * whose anchors still resolve is drawn and also listed, so its coder can re-attach it. One pass:
   * resolving anchors is what costs.
   */
  resolve(visibleLayerIds: ReadonlySet<string>): Resolution<L> {
    this.index.rebuild();
    const resolved: ResolvedCoding<L>[] = [];
    const unanchored: UnanchoredCoding<L>[] = [];
    for (const layer of this.layers) {
      if (!visibleLayerIds.has(layer.id)) continue;
      for (const coding of readCodings(layer.doc)) {
        const offsets = codingOffsets(this.index, coding);
        const fields = { id: coding.id, layer, codeId: coding.codeId, memo: coding.memo, quote: coding.quote, createdBy: coding.createdBy };
        if (coding.orphaned || offsets.status === 'collapsed' || offsets.status === 'lost' || offsets.status === 'invalid') unanchored.push(fields);
        if (offsets.status === 'ok') resolved.push({ ...fields, start: offsets.start, end: offsets.end });
      }
    }
    return { resolved: resolved.sort((a, b) => a.start - b.start || b.end - a.end), unanchored };
  }

  /** Codings per code id in one layer (for "most used" in the picker). */
  usage(layerId: string): Map<string, number> {
    const layer = this.layer(layerId);
    return layer ? codeUsage(readCodings(layer.doc)) : new Map();
  }

  /** The words a selection codes once trimmed, or null when nothing codable is left. */
  trimmedSelection(start: number, end: number): { start: number; end: number; quote: string } | null {
    const range = trimRange(this.index.text, start, end);
    return range && { ...range, quote: this.index.text.slice(range.start, range.end) };
  }

  /** Coders sweep selections generously: trim first, then anchor by the shared rules. */
  private anchor(start: number, end: number): Anchoring {
    this.index.rebuild();
    const range = trimRange(this.index.text, start, end);
    if (!range) return { refusal: 'blank' };
    const anchoring = anchorRange(this.index, range.start, range.end);
    if ('refusal' in anchoring) return { refusal: boundaryRefusalFor[anchoring.refusal.code] };
    return { range, anchors: anchoring.anchors };
  }

  createCoding(layerId: string, codeId: string, start: number, end: number): CodingCreation {
    const layer = this.layer(layerId);
    if (!layer) return { created: false, refusal: 'missing' };
    const anchoring = this.anchor(start, end);
    if ('refusal' in anchoring) return { created: false, refusal: anchoring.refusal };
    const coding = newCoding({
      id: crypto.randomUUID(),
      codeId,
      anchors: anchoring.anchors,
      start: anchoring.range.start,
      end: anchoring.range.end,
      memo: '',
      createdBy: this.authorId,
    });
    this.history.record(layerId, layer.doc, `applying “${this.codeName(codeId)}”`, () => putCoding(layer.doc, coding));
    return { created: true, coding };
  }

  /** Changes only the fields that differ, so saving an unchanged memo adds no undo step. */
  updateCoding(layerId: string, codingId: string, patch: { memo?: string; codeId?: string }): void {
    const layer = this.layer(layerId);
    const current = layer ? getCoding(layer.doc, codingId) : null;
    if (!layer || !current) return;
    const memoChanged = patch.memo !== undefined && patch.memo !== current.memo;
    const codeChanged = patch.codeId !== undefined && patch.codeId !== current.codeId;
    if (!memoChanged && !codeChanged) return;
    const label = codeChanged ? `changing the code to “${this.codeName(patch.codeId as string)}”` : `the memo edit on “${this.codeName(current.codeId)}”`;
    this.history.record(layerId, layer.doc, label, () =>
      patchCoding(layer.doc, codingId, { ...(memoChanged ? { memo: patch.memo } : {}), ...(codeChanged ? { codeId: patch.codeId } : {}) }),
    );
  }

  /**
   * Moves a coding onto new words: anchored exactly like a new coding, it keeps its id, code,
   * memo and author. All fields change in one transaction, so one undo step restores the old
   * boundaries. Also re-attaches an orphaned coding.
   */
  adjustCoding(layerId: string, codingId: string, start: number, end: number): BoundaryAdjustment {
    const layer = this.layer(layerId);
    const current = layer ? getCoding(layer.doc, codingId) : null;
    if (!layer || !current) return { adjusted: false, refusal: 'missing' };
    const anchoring = this.anchor(start, end);
    if ('refusal' in anchoring) return { adjusted: false, refusal: anchoring.refusal };
    const { range, anchors } = anchoring;
    const was = codingOffsets(this.index, current);
    if (!current.orphaned && was.status === 'ok' && was.start === range.start && was.end === range.end) return { adjusted: false, refusal: 'unchanged' };
    this.history.record(layerId, layer.doc, `adjusting “${this.codeName(current.codeId)}”`, () =>
      patchCoding(layer.doc, codingId, reanchorPatch(anchors, range.start, range.end)),
    );
    return { adjusted: true, quote: anchors.quote };
  }

  removeCoding(layerId: string, codingId: string): void {
    const layer = this.layer(layerId);
    const current = layer ? getCoding(layer.doc, codingId) : null;
    if (!layer || !current) return;
    this.history.record(layerId, layer.doc, `removing “${this.codeName(current.codeId)}”`, () => removeCoding(layer.doc, codingId));
  }
}
