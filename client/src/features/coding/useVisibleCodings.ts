/**
 * Which codings the view shows: the layers switched on, and optionally only some codes (with their
 * sub-codes). Resolution is the model's snapshot, so React re-renders exactly when it changes.
 */
import { useMemo, useState, useSyncExternalStore } from 'react';
import type { Code } from '../../../../shared/collab/schema';
import type { ResolvedCoding, UnanchoredCoding } from '../../collab/codingLayers';
import type { CodingModel, Layer } from '../../collab/codingModel';
import { filteredCodeIds } from './codeLegend';

export interface VisibleCodings {
  visibleLayers: ReadonlySet<string>;
  toggleLayer(layerId: string, shown: boolean): void;
  /** The codes picked in the legend (empty: no filter). */
  pickedCodes: ReadonlySet<string>;
  togglePickedCode(codeId: string): void;
  clearPickedCodes(): void;
  /** The picked codes and their sub-codes; null without a filter. */
  shownCodeIds: ReadonlySet<string> | null;
  /** Every resolved coding of the visible layers. */
  allResolved: ResolvedCoding<Layer>[];
  /** Those the code filter lets through. */
  resolved: ResolvedCoding<Layer>[];
  unanchored: UnanchoredCoding<Layer>[];
}

const toggled = <T,>(set: ReadonlySet<T>, item: T, present: boolean): Set<T> => {
  const next = new Set(set);
  if (present) next.add(item);
  else next.delete(item);
  return next;
};

export function useVisibleCodings(model: CodingModel, codes: Code[]): VisibleCodings {
  const [visibleLayers, setVisibleLayers] = useState<ReadonlySet<string>>(() => new Set(model.layers.map((layer) => layer.id)));
  const [pickedCodes, setPickedCodes] = useState<ReadonlySet<string>>(() => new Set());
  const { resolved: allResolved, unanchored } = useSyncExternalStore(model.subscribe, () => model.resolution(visibleLayers));
  const shownCodeIds = useMemo(() => filteredCodeIds(codes, pickedCodes), [codes, pickedCodes]);
  const resolved = useMemo(() => (shownCodeIds ? allResolved.filter((coding) => shownCodeIds.has(coding.codeId)) : allResolved), [allResolved, shownCodeIds]);
  return {
    visibleLayers,
    toggleLayer: (layerId, shown) => setVisibleLayers(toggled(visibleLayers, layerId, shown)),
    pickedCodes,
    togglePickedCode: (codeId) => setPickedCodes(toggled(pickedCodes, codeId, !pickedCodes.has(codeId))),
    clearPickedCodes: () => setPickedCodes(new Set()),
    shownCodeIds,
    allResolved,
    resolved,
    unanchored,
  };
}
