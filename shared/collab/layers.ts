/**
 * Coding layers: one per transcript and coder, and one consensus layer per transcript. This is the
 * one place the consensus layer's id is spelled and a layer id is turned into its document name.
 */
import { type CollabDocumentName, documentNames } from './documentNames';

/** The id of the consensus layer; every other layer id is the coder's user id. */
export const consensusLayerId = 'consensus';

export const isConsensusLayer = (layerId: string): boolean => layerId === consensusLayerId;

/** The collaborative document that holds a layer's codings. */
export function layerDocumentName(documentId: string, layerId: string): string {
  return isConsensusLayer(layerId) ? documentNames.consensus(documentId) : documentNames.layer(documentId, layerId);
}

/** The layer id of a layer or consensus document name, or null for other documents. */
export function layerIdOf(name: CollabDocumentName): string | null {
  if (name.kind === 'consensus') return consensusLayerId;
  if (name.kind === 'layer') return name.coderId;
  return null;
}

/** Whether a document holds codings (a coder's layer or the consensus layer). */
export const holdsCodings = (name: CollabDocumentName | null): boolean => name?.kind === 'layer' || name?.kind === 'consensus';

/** The layer a person writes into: their own, or the consensus layer. */
export type WritableLayer = 'me' | typeof consensusLayerId;
export const writableLayers = ['me', consensusLayerId] as const;

/** Which layers a read asks for: the caller's, the consensus, every readable one, or one coder's (a user id). */
export type LayerSelector = WritableLayer | 'all' | (string & {});

/** The layer id a writable-layer choice means for `userId`. */
export const layerIdFor = (layer: WritableLayer, userId: string): string => (layer === 'me' ? userId : consensusLayerId);
