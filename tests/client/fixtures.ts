/** Real Y.Docs for the client's pure parts: a transcript replica, layer documents, a tracked history. */
import * as Y from 'yjs';
import { CodingHistory } from '../../client/src/collab/codingHistory';
import { type CodingLayer, CodingLayers, type LayerKind } from '../../client/src/collab/codingLayers';
import { consensusLayerId } from '../../shared/collab/layers';
import { appendTurns } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';

export function transcriptOf(turns: string[]): { doc: Y.Doc; index: TranscriptIndex } {
  const doc = new Y.Doc();
  appendTurns(
    doc,
    turns.map((text, position) => ({ speaker: position % 2 === 0 ? 'Interviewer' : 'P1', timestamp: null, text })),
  );
  return { doc, index: new TranscriptIndex(doc) };
}

export const codeNames: Record<string, string> = { trust: 'Trust', money: 'Money' };

/** Coding layers over `turns`: `me` writes their own layer (tracked for undo), `ana` is another coder's. */
export function codingLayersOf(turns: string[], layers: { id: string; kind: LayerKind; writable: boolean }[] = defaultLayers) {
  const transcript = transcriptOf(turns);
  const history = new CodingHistory();
  const codingLayers: CodingLayer[] = layers.map(({ id, kind }) => ({ id, kind, label: id, doc: new Y.Doc() }));
  for (const [position, layer] of layers.entries()) if (layer.writable) history.track(layer.id, codingLayers[position].doc);
  const model = new CodingLayers(transcript.index, codingLayers, history, 'me', (codeId) => codeNames[codeId] ?? 'a code');
  const docOf = (layerId: string) => {
    const layer = model.layer(layerId);
    if (!layer) throw new Error(`no layer ${layerId}`);
    return layer.doc;
  };
  return { ...transcript, history, model, docOf };
}

const defaultLayers: { id: string; kind: LayerKind; writable: boolean }[] = [
  { id: 'me', kind: 'mine', writable: true },
  { id: 'ana', kind: 'coder', writable: false },
  { id: consensusLayerId, kind: 'consensus', writable: true },
];
