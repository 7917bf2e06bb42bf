/**
 * Everything the coding view knows about one transcript, over the network: the transcript
 * document and its offset index, the project codebook, and one layer document per visible coder
 * (plus consensus). The coding rules themselves live in {@link CodingLayers}, which works on the
 * layer documents alone.
 */
import type { ProjectRole } from '../../../shared/authz';
import { documentNames } from '../../../shared/collab/documentNames';
import { layerDocumentName } from '../../../shared/collab/layers';
import { type Code, observeCodes, observeCodings, readCodes } from '../../../shared/collab/schema';
import { TranscriptIndex } from '../../../shared/collab/transcriptIndex';
import { CodingHistory } from './codingHistory';
import { type CodingLayer, CodingLayers, type LayerKind, type Resolution } from './codingLayers';
import { type CollabDocument, openDocument } from './connection';

export interface Layer extends CodingLayer {
  document: CollabDocument;
}

export interface LayerSpec {
  id: string;
  kind: LayerKind;
  label: string;
  /** This person may write the layer: their coding actions in it can be undone. */
  writable: boolean;
}

/** How long the first drawing of codings waits for documents that have not answered yet. */
const initialSyncWaitMs = 3_000;

const nothingResolved: Resolution<Layer> = { resolved: [], unanchored: [] };

export class CodingModel {
  readonly transcript: CollabDocument;
  readonly codebook: CollabDocument;
  readonly index: TranscriptIndex;
  readonly layers: Layer[];
  /** Undo and redo of this person's own coding actions in the layers they write. */
  readonly history = new CodingHistory();
  readonly codings: CodingLayers<Layer>;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private codesCache: Code[] = [];
  private generationCounter = 0;
  private initialSyncDone = false;
  private resolutionCache: { generation: number; visible: ReadonlySet<string>; resolution: Resolution<Layer> } | null = null;

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
    this.layers = layerSpecs.map(({ id, kind, label }) => {
      // Only one's own layer is kept offline: it is the only one this person writes alone.
      const document = openDocument(layerDocumentName(documentId, id), { persistOffline: kind === 'mine' });
      return { id, kind, label, document, doc: document.doc };
    });
    for (const [position, spec] of layerSpecs.entries()) if (spec.writable) this.history.track(spec.id, this.layers[position].doc);
    this.codings = new CodingLayers(this.index, this.layers, this.history, me.id, (codeId) => this.codeName(codeId));

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
      this.cleanups.push(observeCodings(layer.doc, () => this.changed()));
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

  /** Bound, so React can pass it to `useSyncExternalStore` without resubscribing on every render. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed() {
    this.generationCounter += 1;
    for (const listener of this.listeners) listener();
  }

  /**
   * The visible layers' codings, resolved once per change: the same object until codings, codes,
   * connection states or the visible layers change, so React can read it as a snapshot. Nothing
   * is drawn until every layer has arrived; then all are drawn in one pass.
   */
  resolution(visibleLayerIds: ReadonlySet<string>): Resolution<Layer> {
    if (!this.initialSyncDone) return nothingResolved;
    const cached = this.resolutionCache;
    if (cached && cached.generation === this.generationCounter && cached.visible === visibleLayerIds) return cached.resolution;
    const resolution = this.codings.resolve(visibleLayerIds);
    this.resolutionCache = { generation: this.generationCounter, visible: visibleLayerIds, resolution };
    return resolution;
  }

  codes(): Code[] {
    return this.codesCache;
  }

  layer(id: string): Layer | undefined {
    return this.codings.layer(id);
  }

  private codeName(codeId: string): string {
    return this.codesCache.find((code) => code.id === codeId)?.name ?? 'a code';
  }

  close(): void {
    this.history.destroy();
    for (const cleanup of this.cleanups) cleanup();
    for (const layer of this.layers) void layer.document.close();
    void this.codebook.close();
    void this.transcript.close();
    this.listeners.clear();
  }
}
