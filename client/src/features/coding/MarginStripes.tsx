/**
 * Coding stripes in the margin: one coloured bar per coding beside its words, with a label that
 * names the code (colour is never the only signal). Labels are buttons: hover or focus shows the
 * code, coder and memo; activating one opens the coding for editing.
 */
import type { Editor, EditorEvents } from '@tiptap/core';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TranscriptIndex } from '../../../../shared/collab/transcriptIndex';

export interface StripeCoding {
  id: string;
  start: number;
  end: number;
  color: string;
  codeName: string;
  coderName: string;
  /** Initials shown on labels of other people's layers. */
  coderShort: string | null;
  memo: string;
  quote: string;
}

interface StripeLayout {
  coding: StripeCoding;
  top: number;
  height: number;
  lane: number;
  labelTop: number;
}

const laneWidth = 7;
const labelHeight = 22;

/** Vertical extent of a range, relative to the margin, keyed by `start:end` offsets. */
type ExtentCache = Map<string, { top: number; bottom: number }>;

/**
 * Measuring is what costs (two coordsAtPos per coding, each reading layout): extents are cached
 * until the text or the width changes, so adding one coding among 3,000 measures one range.
 */
function layoutStripes(editor: Editor, container: HTMLElement, index: TranscriptIndex, codings: StripeCoding[], cache: ExtentCache): StripeLayout[] {
  const view = editor.view;
  let origin: number | null = null;
  const size = view.state.doc.content.size;
  const measured = codings.flatMap((coding) => {
    const key = `${coding.start}:${coding.end}`;
    let extent = cache.get(key);
    if (!extent) {
      try {
        origin ??= container.getBoundingClientRect().top;
        const from = view.coordsAtPos(Math.min(index.pmFromOffset(coding.start), size), 1);
        const to = view.coordsAtPos(Math.min(index.pmFromOffset(coding.end), size), -1);
        extent = { top: from.top - origin, bottom: Math.max(to.bottom, from.bottom) - origin };
        cache.set(key, extent);
      } catch {
        // A position outside the rendered document (mid-sync); the next layout pass places it.
        return [];
      }
    }
    return [{ coding, top: extent.top, bottom: extent.bottom }];
  });
  measured.sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  const laneEnds: number[] = [];
  let nextLabelTop = Number.NEGATIVE_INFINITY;
  return measured.map(({ coding, top, bottom }) => {
    let lane = laneEnds.findIndex((end) => end <= top);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = bottom + 2;
    const labelTop = Math.max(top, nextLabelTop);
    nextLabelTop = labelTop + labelHeight + 2;
    return { coding, top, height: Math.max(bottom - top, 6), lane, labelTop };
  });
}

function sameLayout(a: StripeLayout[], b: StripeLayout[]): boolean {
  return (
    a.length === b.length &&
    a.every((item, position) => {
      const other = b[position];
      return item.coding === other.coding && item.top === other.top && item.height === other.height && item.lane === other.lane && item.labelTop === other.labelTop;
    })
  );
}

/** Memoised: the coding view re-renders on every change, the margin only when its codings change. */
export const MarginStripes = memo(function MarginStripes({
  editor,
  index,
  codings,
  onOpen,
  onHighlight,
}: {
  editor: Editor;
  index: TranscriptIndex;
  codings: StripeCoding[];
  onOpen: (codingId: string, anchor: DOMRect) => void;
  onHighlight: (codingId: string | null) => void;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const extents = useRef<ExtentCache>(new Map());
  const [layout, setLayout] = useState<StripeLayout[]>([]);
  const [preview, setPreview] = useState<string | null>(null);

  const relayout = useCallback(() => {
    const container = containerRef.current;
    if (!container || editor.isDestroyed) return;
    const next = layoutStripes(editor, container, index, codings, extents.current);
    // Most relayouts (after a decoration-only transaction) place everything where it was:
    // keeping the old layout spares React from re-rendering thousands of labels.
    setLayout((current) => (sameLayout(current, next) ? current : next));
  }, [editor, index, codings]);

  useLayoutEffect(relayout, [relayout]);
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(relayout);
    };
    const remeasure = () => {
      extents.current.clear();
      schedule();
    };
    // Decoration-only transactions move no words: the cached extents stay valid.
    const onTransaction = ({ transaction }: EditorEvents['transaction']) => (transaction.docChanged ? remeasure() : schedule());
    editor.on('transaction', onTransaction);
    window.addEventListener('resize', remeasure);
    const observer = new ResizeObserver(remeasure);
    observer.observe(editor.view.dom);
    return () => {
      cancelAnimationFrame(frame);
      editor.off('transaction', onTransaction);
      window.removeEventListener('resize', remeasure);
      observer.disconnect();
    };
  }, [editor, relayout]);

  const lanes = layout.reduce((max, item) => Math.max(max, item.lane + 1), 0);
  const labelLeft = lanes * laneWidth + 8;
  const show = (codingId: string | null) => {
    setPreview(codingId);
    onHighlight(codingId);
  };

  return (
    <div className="margin" ref={containerRef}>
      {layout.length === 0 && codings.length === 0 && <p className="margin-empty">Codings appear here, beside their words.</p>}
      {layout.map((item) => (
        <span
          key={`bar-${item.coding.id}`}
          className="stripe-bar"
          aria-hidden="true"
          style={{ top: item.top, height: item.height, left: item.lane * laneWidth, background: item.coding.color }}
        />
      ))}
      <ul className="stripe-labels" aria-label="Codings in this transcript">
        {layout.map((item) => (
          <li key={item.coding.id} style={{ top: item.labelTop, left: labelLeft }} className="stripe-item">
            <button
              type="button"
              className="stripe-label"
              data-coding-id={item.coding.id}
              style={{ borderLeftColor: item.coding.color }}
              aria-label={`${item.coding.codeName}, coded by ${item.coding.coderName}: “${item.coding.quote}”. ${item.coding.memo ? `Memo: ${item.coding.memo}` : 'No memo.'} Open to edit.`}
              onMouseEnter={() => show(item.coding.id)}
              onMouseLeave={() => show(null)}
              onFocus={() => show(item.coding.id)}
              onBlur={() => show(null)}
              onClick={(event) => onOpen(item.coding.id, event.currentTarget.getBoundingClientRect())}
            >
              <span className="stripe-name">{item.coding.codeName}</span>
              {item.coding.coderShort && <span className="stripe-coder">{item.coding.coderShort}</span>}
              {item.coding.memo && (
                <span className="stripe-memo-mark" title="Has a memo">
                  ✎
                </span>
              )}
            </button>
            {preview === item.coding.id && (
              <div className="stripe-preview card" role="tooltip">
                <strong>{item.coding.codeName}</strong>
                <span className="muted"> · {item.coding.coderName}</span>
                <p className="stripe-preview-quote">“{item.coding.quote}”</p>
                <p className={item.coding.memo ? 'stripe-preview-memo' : 'muted'}>{item.coding.memo || 'No memo yet.'}</p>
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
});
