/**
 * The popover for one coding: read it, and when it is in a layer the user writes, edit its memo,
 * change its code, adjust its boundaries or remove it.
 */

import { useEffect, useRef, useState } from 'react';
import { unknownCodeColour } from '../../../../shared/collab/palette';
import type { Code } from '../../../../shared/collab/schema';
import { codeTree } from '../codebook/codebook';

export interface CodingDetailProps {
  coding: { id: string; codeId: string; memo: string; quote: string; coderName: string };
  codes: Code[];
  writable: boolean;
  /** Its words were deleted or rewritten: it is not on the transcript until it is re-attached. */
  orphaned: boolean;
  position: { left: number; top: number };
  onSave: (patch: { memo?: string; codeId?: string }) => void;
  onAdjust: () => void;
  onRemove: () => void;
  onClose: () => void;
}

export function CodingDetail({ coding, codes, writable, orphaned, position, onSave, onAdjust, onRemove, onClose }: CodingDetailProps) {
  const [memo, setMemo] = useState(coding.memo);
  const memoRef = useRef<HTMLTextAreaElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const code = codes.find((candidate) => candidate.id === coding.codeId);

  useEffect(() => {
    (memoRef.current ?? closeRef.current)?.focus();
  }, []);

  return (
    <div
      className="coding-detail card"
      role="dialog"
      aria-label={`Coding: ${code?.name ?? 'unknown code'}`}
      style={{ left: position.left, top: position.top }}
      data-testid="coding-detail"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <div className="detail-head">
        <span className="code-swatch" style={{ background: code?.color ?? unknownCodeColour }} aria-hidden="true" />
        <strong>{code?.name ?? 'Code no longer in the codebook'}</strong>
        <span className="muted detail-coder">by {coding.coderName}</span>
      </div>
      <blockquote className="detail-quote">{coding.quote}</blockquote>
      {orphaned && (
        <p className="detail-orphaned" data-testid="orphaned-hint">
          {writable
            ? 'Its words were deleted or rewritten, so it is not shown on the transcript. Adjust its boundaries to attach it to a passage again.'
            : 'Its words were deleted or rewritten, so it is not shown on the transcript.'}
        </p>
      )}
      {writable ? (
        <>
          <label className="field">
            <span>Code</span>
            <select value={coding.codeId} onChange={(event) => onSave({ codeId: event.target.value })}>
              {codeTree(codes)
                .filter((entry) => !entry.code.archived || entry.code.id === coding.codeId)
                .map((entry) => (
                  <option key={entry.code.id} value={entry.code.id}>
                    {'\u00a0\u00a0'.repeat(entry.depth)}
                    {entry.code.name}
                  </option>
                ))}
            </select>
          </label>
          <label className="field">
            <span>Memo</span>
            <textarea ref={memoRef} value={memo} rows={4} onChange={(event) => setMemo(event.target.value)} placeholder="Why this code here? Doubts, links to other passages…" />
          </label>
          <div className="detail-adjust">
            <button
              type="button"
              className={`button small${orphaned ? ' primary' : ''}`}
              onClick={() => {
                // Adjusting closes this popover: keep a memo typed but not yet saved.
                if (memo !== coding.memo) onSave({ memo });
                onAdjust();
              }}
            >
              Adjust boundaries
            </button>
            <span className="muted small">{orphaned ? 'Select the passage it belongs to.' : 'Move its start or end onto other words.'}</span>
          </div>
          <div className="form-actions">
            <button type="button" className="button danger ghost" onClick={onRemove}>
              Remove coding
            </button>
            <span className="header-spacer" />
            <button ref={closeRef} type="button" className="button ghost" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              onClick={() => {
                onSave({ memo });
                onClose();
              }}
            >
              Save memo
            </button>
          </div>
        </>
      ) : (
        <>
          <p className={coding.memo ? 'detail-memo' : 'muted'}>{coding.memo || 'No memo.'}</p>
          <div className="form-actions">
            <span className="muted small">Only {coding.coderName} can change this coding.</span>
            <span className="header-spacer" />
            <button ref={closeRef} type="button" className="button ghost" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </div>
  );
}
