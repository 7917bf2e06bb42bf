/**
 * What the coding detail turns into while a coding's boundaries are adjusted: instructions, the
 * passage the coding covers now and the one selected, and Apply / Cancel. It docks at the bottom
 * of the window so it never covers the words being selected; focus stays in the transcript, where
 * Enter applies and Escape cancels (the coding view handles those keys there).
 */
import { useId } from 'react';

export interface BoundaryAdjusterProps {
  codeName: string;
  codeColor: string;
  /** The words the coding covers now (for an orphaned coding: the words it lost). */
  currentQuote: string;
  orphaned: boolean;
  /** The trimmed text of the selection; '' when it holds only turn breaks or spaces, null when nothing is selected. */
  selectedQuote: string | null;
  error: string | null;
  onApply: () => void;
  onCancel: () => void;
}

export function BoundaryAdjuster({ codeName, codeColor, currentQuote, orphaned, selectedQuote, error, onApply, onCancel }: BoundaryAdjusterProps) {
  const instructionsId = useId();
  return (
    <div
      className="boundary-adjuster card"
      role="dialog"
      aria-label={`Adjust boundaries: ${codeName}`}
      aria-describedby={instructionsId}
      data-testid="boundary-adjuster"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <div className="detail-head">
        <span className="code-swatch" style={{ background: codeColor }} aria-hidden="true" />
        <strong>Adjust boundaries of “{codeName}”</strong>
      </div>
      <p id={instructionsId} className="adjuster-instructions">
        Select the new passage, then press <kbd>Enter</kbd> (<kbd>Escape</kbd> cancels). Use the mouse, or <kbd>Shift</kbd>+arrows in the
        transcript (<kbd>Ctrl</kbd> for whole words).
      </p>
      <dl className="adjuster-passages">
        <dt>{orphaned ? 'Lost words' : 'Now'}</dt>
        <dd className="adjuster-quote">{currentQuote || '—'}</dd>
        <dt>New</dt>
        <dd className="adjuster-quote" data-testid="adjuster-selection">
          {selectedQuote === null ? <span className="muted">Nothing selected yet</span> : selectedQuote || <span className="muted">Only turn breaks or spaces</span>}
        </dd>
      </dl>
      {error && (
        <p className="adjuster-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <span className="header-spacer" />
        <button type="button" className="button ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button primary" onClick={onApply}>
          Apply new boundaries
        </button>
      </div>
    </div>
  );
}
