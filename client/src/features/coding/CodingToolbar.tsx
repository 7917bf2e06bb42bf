/** Above the transcript: how many codings are shown (and the filter), and undo/redo of one's own coding actions. */
import type { HistoryState } from '../../collab/codingHistory';
import type { HistoryDirection } from '../../editor/useHistoryKeys';

export function CodingToolbar({
  shownCount,
  totalCount,
  filtered,
  loading,
  onClearFilter,
  history,
}: {
  shownCount: number;
  totalCount: number;
  filtered: boolean;
  /** The codings have not arrived yet. */
  loading: boolean;
  onClearFilter: () => void;
  /** Offered when this person writes a layer. */
  history: { state: HistoryState; message: string | null; onStep: (direction: HistoryDirection) => void } | null;
}) {
  return (
    <div className="transcript-toolbar">
      {filtered ? (
        <p className="filter-status" data-testid="filter-status">
          <span role="status">
            Showing {shownCount} of {totalCount} codings —{' '}
          </span>
          <button type="button" className="link-button" onClick={onClearFilter}>
            clear filter
          </button>
        </p>
      ) : (
        <p className="muted small filter-status">{loading ? 'Loading codings…' : `${totalCount} coding${totalCount === 1 ? '' : 's'} in the visible layers`}</p>
      )}
      {history && (
        <fieldset className="history-buttons">
          <legend className="visually-hidden">Undo and redo your coding actions</legend>
          <span className="history-message muted small" role="status">
            {history.message}
          </span>
          <button
            type="button"
            className="button small"
            disabled={history.state.undoLabel === null}
            aria-label={history.state.undoLabel === null ? 'Undo: nothing to undo' : `Undo ${history.state.undoLabel}`}
            title="Undo your last coding action (Ctrl+Z)"
            onClick={() => history.onStep('undo')}
          >
            <span aria-hidden="true">↶</span> Undo
          </button>
          <button
            type="button"
            className="button small"
            disabled={history.state.redoLabel === null}
            aria-label={history.state.redoLabel === null ? 'Redo: nothing to redo' : `Redo ${history.state.redoLabel}`}
            title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
            onClick={() => history.onStep('redo')}
          >
            Redo <span aria-hidden="true">↷</span>
          </button>
        </fieldset>
      )}
    </div>
  );
}
