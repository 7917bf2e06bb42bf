/**
 * The browser selection in the transcript, in canonical offsets. The transcript is read-only for
 * most coders, so the browser's own selection (not ProseMirror's) is what they make and extend.
 */
import { TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import type { TranscriptIndex } from '../../../shared/collab/transcriptIndex';

/** Canonical offsets of the browser selection (untrimmed); null unless it lies in the transcript and covers something. */
export function selectedOffsets(view: EditorView, index: TranscriptIndex): { start: number; end: number } | null {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.anchorNode || !selection.focusNode) return null;
  if (!view.dom.contains(selection.anchorNode) || !view.dom.contains(selection.focusNode)) return null;
  const anchor = view.posAtDOM(selection.anchorNode, selection.anchorOffset);
  const head = view.posAtDOM(selection.focusNode, selection.focusOffset);
  const textSelection = TextSelection.between(view.state.doc.resolve(Math.min(anchor, head)), view.state.doc.resolve(Math.max(anchor, head)));
  const offset = (position: typeof textSelection.$from) => index.offsetFromPm(position.index(0), position.parentOffset);
  index.rebuild();
  return { start: offset(textSelection.$from), end: offset(textSelection.$to) };
}

/** Whether the browser selection starts inside the transcript. */
export function selectionIsIn(view: EditorView): boolean {
  const selection = window.getSelection();
  return Boolean(selection?.anchorNode && view.dom.contains(selection.anchorNode));
}

/** Selects canonical offsets in the transcript and focuses it, so Shift+arrows go on from there. */
export function selectOffsets(view: EditorView, index: TranscriptIndex, start: number, end: number): void {
  index.rebuild();
  const from = view.domAtPos(index.pmFromOffset(start));
  const to = view.domAtPos(index.pmFromOffset(end));
  view.dom.focus({ preventScroll: true });
  window.getSelection()?.setBaseAndExtent(from.node, from.offset, to.node, to.offset);
}

/** Collapses the selection to its end; an orphaned coding may leave nothing selected, and collapsing no range throws. */
export function collapseSelection(): void {
  const selection = window.getSelection();
  if (selection && selection.rangeCount > 0) selection.collapseToEnd();
}

/** Where a popover of about `size` pixels goes under the selection, or above it when there is no room below. */
export function popoverBelowSelection(size: number): { left: number; top: number } | null {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const rect = selection.getRangeAt(0).getBoundingClientRect();
  const left = Math.max(12, Math.min(rect.left, window.innerWidth - size));
  const top = rect.bottom + 8 + size > window.innerHeight ? Math.max(12, rect.top - size - 8) : rect.bottom + 8;
  return { left, top };
}
