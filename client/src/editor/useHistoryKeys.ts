/**
 * Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y act on this person's coding actions anywhere in the view, the
 * transcript included (text undo is not offered there); form fields keep their own undo.
 */
import { useEffect, useRef } from 'react';

export type HistoryDirection = 'undo' | 'redo';

export function historyDirectionOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): HistoryDirection | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  return key === 'y' && !event.shiftKey ? 'redo' : null;
}

export function useHistoryKeys(step: (direction: HistoryDirection) => void): void {
  const latest = useRef(step);
  latest.current = step;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const direction = historyDirectionOf(event);
      if (!direction) return;
      if (event.target instanceof Element && event.target.closest('input, textarea, select')) return;
      event.preventDefault();
      event.stopPropagation();
      latest.current(direction);
    };
    // Capture, so the editor's own keymap never sees the keys first.
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}
