/**
 * Coding from the keyboard and the mouse. Keyboard selection also works where the transcript is
 * read-only (no caret of its own): arrows move and Shift+arrows extend the browser selection
 * (Ctrl or Alt by word), and Enter (Ctrl+Enter where the text is editable) asks to code it. A
 * mouse selection asks at once. While a coding's boundaries are being adjusted, plain Enter
 * applies them and Escape cancels, and a selection is not a new coding.
 */
import type { Editor } from '@tiptap/react';
import { useEffect, useRef } from 'react';

export interface KeyboardCodingActions {
  /** Opens the code picker on the current selection. */
  code(): void;
  /** Set while adjusting a coding's boundaries. */
  adjusting: { apply(): void; cancel(): void } | null;
}

export function useKeyboardCoding(editor: Editor | null, actions: KeyboardCodingActions): void {
  // The listeners stay attached for the editor's life and call whatever the latest render offers.
  const latest = useRef(actions);
  latest.current = actions;

  useEffect(() => {
    if (!editor) return;
    const dom = editor.view.dom;
    const onKeyDown = (event: KeyboardEvent) => {
      const adjusting = latest.current.adjusting;
      if (adjusting && (event.key === 'Enter' || event.key === 'Escape') && !event.shiftKey && !event.altKey) {
        event.preventDefault();
        if (event.key === 'Enter') adjusting.apply();
        else adjusting.cancel();
        return;
      }
      const wantsPicker = event.key === 'Enter' && (editor.isEditable ? event.ctrlKey || event.metaKey : true);
      if (wantsPicker) {
        event.preventDefault();
        latest.current.code();
        return;
      }
      if (editor.isEditable || !event.key.startsWith('Arrow')) return;
      const selection = window.getSelection();
      if (!selection) return;
      event.preventDefault();
      if (!selection.anchorNode || !dom.contains(selection.anchorNode)) {
        const walker = window.document.createTreeWalker(dom, NodeFilter.SHOW_TEXT);
        const first = walker.nextNode();
        if (first) selection.collapse(first, 0);
        return;
      }
      const direction = event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? 'backward' : 'forward';
      const granularity = event.key === 'ArrowUp' || event.key === 'ArrowDown' ? 'line' : event.ctrlKey || event.altKey ? 'word' : 'character';
      selection.modify(event.shiftKey ? 'extend' : 'move', direction, granularity);
    };
    // After the browser has settled the selection the mouse made.
    const onMouseUp = () => window.setTimeout(() => latest.current.adjusting || latest.current.code(), 0);
    dom.addEventListener('keydown', onKeyDown);
    dom.addEventListener('mouseup', onMouseUp);
    return () => {
      dom.removeEventListener('keydown', onKeyDown);
      dom.removeEventListener('mouseup', onMouseUp);
    };
  }, [editor]);
}
