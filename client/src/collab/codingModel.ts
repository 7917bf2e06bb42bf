/**
 * Everything the coding view knows about one transcript: the transcript document and its offset
 * index, the project codebook, and one layer document per visible coder (plus consensus). It
 * turns stored codings (relative positions) into resolved ranges for the editor, and writes new
 * codings into the layer the user codes into.
 */
import type { ProjectRole } from '../../../shared/authz';
import { documentNames } from '../../../shared/collab/documentNames';
import {
  type Code,
  getCoding,
  observeCodes,
  observeCodings,
  patchCoding,
  putCoding,
  readCodes,
  readCodings,
  removeCoding,
  type StoredCoding,
} from '../../../shared/collab/schema';
import { endAssoc, startAssoc, TranscriptIndex } from '../../../shared/collab/transcriptIndex';
import { CodingHistory } from './codingHistory';
import { type CollabDocument, openDocument } from './connection';

export type LayerKind = 'mine' | 'coder' | 'consensus';

export interface Layer {
  /** The coder's user id, or `consensus`. */
  id: string;
  kind: LayerKind;
  label: string;
  document: CollabDocument;
}

export interface ResolvedCoding {
  id: string;
  layer: Layer;
  codeId: string;
  memo: string;
  quote: string;
  createdBy: string;
  /** Canonical offsets into the transcript text. */
  start: number;
  end: number;
}

/** A coding whose words are gone from the transcript: kept, listed, and re-attachable by adjusting its boundaries. */
export interface UnanchoredCoding {
  id: string;
  layer: Layer;
  codeId: string;
  memo: string;
  quote: string;
  createdBy: string;
}

export interface Resolution {
  resolved: ResolvedCoding[];
  unanchored: UnanchoredCoding[];
}

/** Why new boundaries were refused; `blank` covers selections of only turn breaks or spaces. */
export type BoundaryRefusal = 'missing' | 'blank' | 'splits-character' | 'unchanged';

export type BoundaryAdjustment = { adjusted: true; quote: string } | { adjusted: false; refusal: BoundaryRefusal };

export interface LayerSpec {
  id: string;
  kind: LayerKind;
  label: string;
  /** This person may write the layer: their coding actions in it can be undone. */
  writable: boolean;
}

export const consensusLayerId = 'consensus';

/** How long the first drawing of codings waits for documents that have not answered yet. */
const initialSyncWaitMs = 3_000;

export class CodingModel {
  readonly transcript: CollabDocument;
  readonly codebook: CollabDocument;
  readonly index: TranscriptIndex;
  readonly layers: Layer[];
  /** Undo and redo of this person's own coding actions in the layers they write. */
  readonly history = new CodingHistory();
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private codesCache: Code[] = [];
  private generationCounter = 0;
  private initialSyncDone = false;

  constructor(
    readonly projectId: string,
    readonly documentId: string,
    readonly me: { id: string; name: string; color: string; role: ProjectRole },
    layerSpecs: LayerSpec[],
  ) {
    this.transcript = openDocument(documentNames.transcript(documentId), {
      primary: true,
      awarenessUser: { name: me.name, color: me.color },
    });
    this.codebook = openDocument(documentNames.codebook(projectId));
    this.index = new TranscriptIndex(this.transcript.doc);
    this.layers = layerSpecs.map((spec) => ({
      ...spec,
      document: openDocument(
        spec.id === consensusLayerId ? documentNames.consensus(documentId) : documentNames.layer(documentId, spec.id),
        // Only one's own layer is kept offline: it is the only one this person writes alone.
        { persistOffline: spec.kind === 'mine' },
      ),
    }));
    for (const [position, spec] of layerSpecs.entries()) if (spec.writable) this.history.track(spec.id, this.layers[position].document.doc);

    const onTranscript = () => this.index.rebuild();
    this.transcript.doc.on('afterTransaction', onTranscript);
    this.cleanups.push(() => this.transcript.doc.off('afterTransaction', onTranscript));
    this.cleanups.push(
      observeCodes(this.codebook.doc, () => {
        this.codesCache = readCodes(this.codebook.doc);
        this.changed();
      }),
    );
    const documents = [this.transcript, this.codebook, ...this.layers.map((layer) => layer.document)];
    // Layer and transcript states show in the view; the codebook's counts only towards the first drawing.
    const onDocumentState = (shownInView: boolean) => () => {
      const settles = !this.initialSyncDone && documents.every((document) => document.state().synced || document.state().refused !== null);
      if (settles) this.initialSyncDone = true;
      if (settles || shownInView) this.changed();
    };
    for (const layer of this.layers) {
      this.cleanups.push(observeCodings(layer.document.doc, () => this.changed()));
      this.cleanups.push(layer.document.subscribe(onDocumentState(true)));
    }
    this.cleanups.push(this.transcript.subscribe(onDocumentState(true)));
    this.cleanups.push(this.codebook.subscribe(onDocumentState(false)));
    // A document that never answers (a stalled server, say) must not keep every coding hidden.
    const waitLimit = setTimeout(() => {
      if (this.initialSyncDone) return;
      this.initialSyncDone = true;
      this.changed();
    }, initialSyncWaitMs);
    this.cleanups.push(() => clearTimeout(waitLimit));
  }

  /**
   * True once the transcript, the codebook and every layer have had their first answer from the
   * server (or the wait limit passed). Layers arrive one by one: redrawing every coding as each
   * one lands kept the page busy for longer than the layers took to arrive, and delayed them.
   */
  get initialSyncSettled(): boolean {
    return this.initialSyncDone;
  }

  /** Changes whenever codings, codes or connection states change (cheap identity for React). */
  get generation(): number {
    return this.generationCounter;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed() {
    this.generationCounter += 1;
    for (const listener of this.listeners) listener();
  }

  codes(): Code[] {
    return this.codesCache;
  }

  layer(id: string): Layer | undefined {
    return this.layers.find((layer) => layer.id === id);
  }

  /**
   * Codings of the given layers whose words are present in this replica, and how many cannot be
   * shown on their words: deleted words, a lost turn or a coding the repair pass marked orphaned
   * (codings waiting for transcript updates excluded). One pass: resolving anchors is what costs.
   */
  resolve(visibleLayerIds: ReadonlySet<string>): Resolution {
    this.index.rebuild();
    const resolved: ResolvedCoding[] = [];
    const unanchored: UnanchoredCoding[] = [];
    for (const layer of this.layers) {
      if (!visibleLayerIds.has(layer.id)) continue;
      for (const coding of readCodings(layer.document.doc)) {
        const anchor = this.index.resolveAnchors(coding.start, coding.end);
        if (coding.orphaned || anchor.status === 'collapsed' || anchor.status === 'lost')
          unanchored.push({ id: coding.id, layer, codeId: coding.codeId, memo: coding.memo, quote: coding.quote, createdBy: coding.createdBy });
        if (anchor.status !== 'ok' || anchor.start === undefined || anchor.end === undefined) continue;
        resolved.push({
          id: coding.id,
          layer,
          codeId: coding.codeId,
          memo: coding.memo,
          quote: coding.quote,
          createdBy: coding.createdBy,
          start: anchor.start,
          end: anchor.end,
        });
      }
    }
    return { resolved: resolved.sort((a, b) => a.start - b.start || b.end - a.end), unanchored };
  }

  /** Codings per code id in one layer (for "most used" in the picker). */
  usage(layerId: string): Map<string, number> {
    const counts = new Map<string, number>();
    const layer = this.layer(layerId);
    if (!layer) return counts;
    for (const coding of readCodings(layer.document.doc)) counts.set(coding.codeId, (counts.get(coding.codeId) ?? 0) + 1);
    return counts;
  }

  /**
   * Trims surrounding whitespace off a canonical range; null when nothing codable is left.
   * Coders sweep selections generously, and a coding that starts on a space reads badly.
   */
  trimRange(start: number, end: number): { start: number; end: number } | null {
    const text = this.index.text;
    let from = Math.max(0, Math.min(start, end));
    let to = Math.min(text.length, Math.max(start, end));
    while (from < to && /\s/.test(text[from])) from += 1;
    while (to > from && /\s/.test(text[to - 1])) to -= 1;
    return from < to ? { start: from, end: to } : null;
  }

  createCoding(layerId: string, codeId: string, start: number, end: number): StoredCoding | null {
    const layer = this.layer(layerId);
    if (!layer) return null;
    this.index.rebuild();
    const range = this.trimRange(start, end);
    if (!range || this.index.splitsSurrogatePair(range.start) || this.index.splitsSurrogatePair(range.end)) return null;
    const startAnchor = this.index.encodeAnchor(range.start, startAssoc);
    const endAnchor = this.index.encodeAnchor(range.end, endAssoc);
    if (!startAnchor || !endAnchor) return null;
    const coding: StoredCoding = {
      id: crypto.randomUUID(),
      codeId,
      start: startAnchor,
      end: endAnchor,
      quote: this.index.text.slice(range.start, range.end),
      lastStart: range.start,
      lastEnd: range.end,
      memo: '',
      createdAt: new Date().toISOString(),
      createdBy: this.me.id,
      orphaned: false,
    };
    const doc = layer.document.doc;
    this.history.record(layerId, doc, `applying “${this.codeName(codeId)}”`, () => putCoding(doc, coding));
    return coding;
  }

  /** Changes only the fields that differ, so saving an unchanged memo adds no undo step. */
  updateCoding(layerId: string, codingId: string, patch: { memo?: string; codeId?: string }): void {
    const layer = this.layer(layerId);
    const current = layer ? getCoding(layer.document.doc, codingId) : null;
    if (!layer || !current) return;
    const memoChanged = patch.memo !== undefined && patch.memo !== current.memo;
    const codeChanged = patch.codeId !== undefined && patch.codeId !== current.codeId;
    if (!memoChanged && !codeChanged) return;
    const doc = layer.document.doc;
    const label = codeChanged ? `changing the code to “${this.codeName(patch.codeId as string)}”` : `the memo edit on “${this.codeName(current.codeId)}”`;
    this.history.record(layerId, doc, label, () =>
      patchCoding(doc, codingId, { ...(memoChanged ? { memo: patch.memo } : {}), ...(codeChanged ? { codeId: patch.codeId } : {}) }),
    );
  }

  /**
   * Moves a coding onto new words: anchored exactly like a new coding, it keeps its id, code,
   * memo and author. All fields change in one transaction, so one undo step restores the old
   * boundaries. Also re-attaches an orphaned coding.
   */
  adjustCoding(layerId: string, codingId: string, start: number, end: number): BoundaryAdjustment {
    const layer = this.layer(layerId);
    const current = layer ? getCoding(layer.document.doc, codingId) : null;
    if (!layer || !current) return { adjusted: false, refusal: 'missing' };
    this.index.rebuild();
    const range = this.trimRange(start, end);
    if (!range) return { adjusted: false, refusal: 'blank' };
    if (this.index.splitsSurrogatePair(range.start) || this.index.splitsSurrogatePair(range.end)) return { adjusted: false, refusal: 'splits-character' };
    const startAnchor = this.index.encodeAnchor(range.start, startAssoc);
    const endAnchor = this.index.encodeAnchor(range.end, endAssoc);
    if (!startAnchor || !endAnchor) return { adjusted: false, refusal: 'blank' };
    const was = this.index.resolveAnchors(current.start, current.end);
    if (!current.orphaned && was.status === 'ok' && was.start === range.start && was.end === range.end) return { adjusted: false, refusal: 'unchanged' };
    const quote = this.index.text.slice(range.start, range.end);
    const doc = layer.document.doc;
    this.history.record(layerId, doc, `adjusting “${this.codeName(current.codeId)}”`, () =>
      patchCoding(doc, codingId, { start: startAnchor, end: endAnchor, quote, lastStart: range.start, lastEnd: range.end, orphaned: false }),
    );
    return { adjusted: true, quote };
  }

  removeCoding(layerId: string, codingId: string): void {
    const layer = this.layer(layerId);
    const current = layer ? getCoding(layer.document.doc, codingId) : null;
    if (!layer || !current) return;
    const doc = layer.document.doc;
    this.history.record(layerId, doc, `removing “${this.codeName(current.codeId)}”`, () => removeCoding(doc, codingId));
  }

  private codeName(codeId: string): string {
    return this.codesCache.find((code) => code.id === codeId)?.name ?? 'a code';
  }

  close(): void {
    this.history.destroy();
    for (const cleanup of this.cleanups) cleanup();
    for (const layer of this.layers) layer.document.close();
    this.codebook.close();
    this.transcript.close();
    this.listeners.clear();
  }
}
