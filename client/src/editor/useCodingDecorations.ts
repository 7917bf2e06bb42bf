/** Keeps the transcript's coding decorations on the codings the view shows. */
import type { Editor } from '@tiptap/react';
import { useLayoutEffect } from 'react';
import { type DecoratedCoding, rebuildCodingDecorations, type ShownCodings } from './codingDecorations';

export function useCodingDecorations(editor: Editor | null, shown: ShownCodings, codings: readonly DecoratedCoding[]): void {
  // In the same task as the commit, before the browser lays the page out: a frame in between
  // would lay out the whole transcript once more without the new decorations.
  useLayoutEffect(() => {
    shown.show(codings);
    if (editor && !editor.isDestroyed) rebuildCodingDecorations(editor.view);
  }, [editor, shown, codings]);
}
