/**
 * Adjusting a coding's boundaries in the transcript: the coding's words are selected, the coder
 * changes the selection (mouse or Shift+arrows) and applies it with Enter or the popover's button.
 * Leaving returns focus to the coding's margin label, so keyboard users keep their place.
 */
import type { Editor } from '@tiptap/react';
import { useCallback, useEffect, useState } from 'react';
import type { BoundaryRefusal, CodingLayers } from '../collab/codingLayers';
import { collapseSelection, selectedOffsets, selectionIsIn, selectOffsets } from './selection';

/** A coding whose boundaries are being adjusted, and the passage selected for them so far. */
export interface AdjustState {
  codingId: string;
  layerId: string;
  codeId: string;
  currentQuote: string;
  orphaned: boolean;
  /** Untrimmed canonical offsets of the last selection made in the transcript. */
  selection: { start: number; end: number } | null;
  error: string | null;
}

export const boundaryRefusals: Record<BoundaryRefusal, string> = {
  missing: 'This coding no longer exists: someone removed it meanwhile.',
  blank: 'Those words cannot hold a coding: only turn breaks or spaces are selected.',
  'splits-character': 'The selection splits a character (an emoji, say) in two: move its start or end by one character.',
  unchanged: 'The coding already covers exactly these words: select a different passage.',
};

export interface AdjustableCoding {
  id: string;
  layer: { id: string };
  codeId: string;
  quote: string;
}

export interface BoundaryAdjusting {
  adjusting: AdjustState | null;
  /** The trimmed words of the current selection; '' when they cannot hold a coding, null before any selection. */
  selectedQuote: string | null;
  /** Starts from the coding's current words (null for an orphaned coding, which has none). */
  start(coding: AdjustableCoding, current: { start: number; end: number } | null): void;
  /** Applies the last selection seen in the transcript (the popover's button: focus has left it). */
  applyLast(): void;
  /** Applies the transcript's selection now (Enter in the transcript). */
  applyCurrent(): void;
  /** Leaves and returns focus to the coding. */
  cancel(): void;
  /** Leaves without moving focus (another popover is opening). */
  dismiss(): void;
}

export function useBoundaryAdjusting(
  editor: Editor | null,
  codings: CodingLayers,
  onAdjusted: (adjustment: { codeId: string; quote: string }) => void,
): BoundaryAdjusting {
  const [adjusting, setAdjusting] = useState<AdjustState | null>(null);
  const index = codings.index;

  /** Leaves for the coding's margin label (the transcript when it has none). */
  const leave = (codingId: string) => {
    setAdjusting(null);
    requestAnimationFrame(() => {
      collapseSelection();
      const label = window.document.querySelector<HTMLElement>(`.stripe-label[data-coding-id="${codingId}"]`);
      if (label) label.focus();
      else editor?.view.dom.focus({ preventScroll: true });
    });
  };

  const start = (coding: AdjustableCoding, current: { start: number; end: number } | null) => {
    setAdjusting({ codingId: coding.id, layerId: coding.layer.id, codeId: coding.codeId, currentQuote: coding.quote, orphaned: current === null, selection: current, error: null });
    // The coding's own words are the starting point; an orphaned coding has none left to select.
    requestAnimationFrame(() => {
      if (!editor || editor.isDestroyed) return;
      if (current) selectOffsets(editor.view, index, current.start, current.end);
      else editor.view.dom.focus({ preventScroll: true });
    });
  };

  const apply = (selection: { start: number; end: number } | null) => {
    if (!adjusting) return;
    if (!selection) {
      setAdjusting({ ...adjusting, error: 'Nothing is selected: select the new passage in the transcript first.' });
      return;
    }
    const result = codings.adjustCoding(adjusting.layerId, adjusting.codingId, selection.start, selection.end);
    if (!result.adjusted) {
      setAdjusting({ ...adjusting, selection, error: boundaryRefusals[result.refusal] });
      return;
    }
    onAdjusted({ codeId: adjusting.codeId, quote: result.quote });
    leave(adjusting.codingId);
  };

  // While adjusting, follow the selection in the transcript so the popover shows the new passage;
  // selections elsewhere (the popover's own buttons) leave the last one standing.
  const adjustingCodingId = adjusting?.codingId;
  useEffect(() => {
    if (!adjustingCodingId || !editor) return;
    const onSelectionChange = () => {
      if (!selectionIsIn(editor.view)) return;
      const offsets = selectedOffsets(editor.view, index);
      setAdjusting((current) => current && { ...current, selection: offsets, error: null });
    };
    window.document.addEventListener('selectionchange', onSelectionChange);
    return () => window.document.removeEventListener('selectionchange', onSelectionChange);
  }, [adjustingCodingId, editor, index]);

  // Stable, so components that open other popovers need not re-render with every selection.
  const dismiss = useCallback(() => setAdjusting(null), []);
  const selection = adjusting?.selection;
  const trimmed = selection ? codings.trimmedSelection(selection.start, selection.end) : null;
  return {
    adjusting,
    selectedQuote: selection ? (trimmed?.quote ?? '') : null,
    start,
    applyLast: () => apply(adjusting?.selection ?? null),
    applyCurrent: () => apply(editor ? selectedOffsets(editor.view, index) : null),
    cancel: () => {
      if (adjusting) leave(adjusting.codingId);
    },
    dismiss,
  };
}
