/** The coding view's sidebar: layers, the code legend that filters, codings that lost their words, and how to code. */
import { consensusLayerId } from '../../../../shared/collab/layers';
import type { Code } from '../../../../shared/collab/schema';
import type { UnanchoredCoding } from '../../collab/codingLayers';
import type { Layer } from '../../collab/codingModel';
import { Avatar } from '../../ui/parts';
import type { LegendEntry } from './codeLegend';
import { unknownCodeName } from './codingLooks';

export const codingHelpId = 'coding-help';

export function LayerList({
  layers,
  visible,
  onToggle,
  myName,
  blindHidden,
  writeLayer,
}: {
  layers: Layer[];
  visible: ReadonlySet<string>;
  onToggle: (layerId: string, shown: boolean) => void;
  myName: string;
  blindHidden: boolean;
  /** Where new codings go, offered when this person writes more than one layer. */
  writeLayer: { myId: string; value: string; onChange: (layerId: string) => void } | null;
}) {
  return (
    <section className="sidebar-section">
      <h2>Layers</h2>
      <ul className="layer-list">
        {layers.map((layer) => (
          <li key={layer.id}>
            <label className="layer-toggle">
              <input type="checkbox" checked={visible.has(layer.id)} onChange={(event) => onToggle(layer.id, event.target.checked)} />
              {layer.kind === 'consensus' ? (
                <span className="avatar avatar-small consensus-avatar" aria-hidden="true">
                  ✓
                </span>
              ) : (
                <Avatar userId={layer.id} name={layer.kind === 'mine' ? myName : layer.label} size="small" />
              )}
              <span>{layer.label}</span>
              {layer.document.state().refused && <span className="muted small"> (refused)</span>}
            </label>
          </li>
        ))}
      </ul>
      {blindHidden && (
        <p className="blind-note" data-testid="blind-note">
          <strong>Blind mode is on.</strong> You see only your own codings. Other coders’ codings and the consensus stay hidden until
          the project owner turns blind mode off, so that everyone codes independently before comparing.
        </p>
      )}
      {writeLayer && (
        <label className="field">
          <span>New codings go to</span>
          <select value={writeLayer.value} onChange={(event) => writeLayer.onChange(event.target.value)}>
            <option value={writeLayer.myId}>My codings</option>
            <option value={consensusLayerId}>Consensus</option>
          </select>
        </label>
      )}
    </section>
  );
}

export function CodeLegend({
  entries,
  picked,
  shown,
  onToggle,
}: {
  entries: LegendEntry[];
  picked: ReadonlySet<string>;
  /** The picked codes and their sub-codes; null without a filter. */
  shown: ReadonlySet<string> | null;
  onToggle: (codeId: string) => void;
}) {
  return (
    <section className="sidebar-section" aria-labelledby="legend-title">
      <h2 id="legend-title">Codes in view</h2>
      {entries.length === 0 ? (
        <p className="muted small">No codings in the visible layers yet.</p>
      ) : (
        <>
          <p className="muted small legend-hint" id="legend-hint">
            Pick codes to show only their codings; a code brings its sub-codes along.
          </p>
          <ul className="legend" aria-label="Filter codings by code" aria-describedby="legend-hint">
            {entries.map((entry) => {
              const pressed = picked.has(entry.codeId);
              const included = !pressed && (shown?.has(entry.codeId) ?? false);
              return (
                <li key={entry.codeId}>
                  <button
                    type="button"
                    className={`legend-button${pressed ? ' pressed' : ''}${included ? ' included' : ''}`}
                    style={{ paddingLeft: `${0.4 + entry.depth * 0.9}rem` }}
                    aria-pressed={pressed}
                    aria-label={`${entry.name}: ${entry.total} coding${entry.total === 1 ? '' : 's'}${entry.depth === 0 && entry.total !== entry.own ? ' with its sub-codes' : ''}`}
                    onClick={() => onToggle(entry.codeId)}
                  >
                    <span className="code-swatch" style={{ background: entry.color }} aria-hidden="true" />
                    <span className="legend-name">{entry.name}</span>
                    <span className="legend-count">{entry.total}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

export function UnanchoredList({
  codings,
  codeById,
  coderName,
  onOpen,
}: {
  codings: UnanchoredCoding<Layer>[];
  codeById: ReadonlyMap<string, Code>;
  coderName: (layerId: string) => string;
  onOpen: (codingId: string, rect: DOMRect) => void;
}) {
  if (codings.length === 0) return null;
  const one = codings.length === 1;
  return (
    <section className="sidebar-section attention" aria-labelledby="unanchored-title">
      <p id="unanchored-title" className="unanchored-note">
        {one ? 'One coding' : `${codings.length} codings`} in the visible layers lost {one ? 'its' : 'their'} words (the text was deleted or
        rewritten). They are kept, not shown here; the server re-anchors them when it can, and you can re-attach your own by adjusting their
        boundaries.
      </p>
      <ul className="unanchored-list">
        {codings.map((coding) => (
          <li key={`${coding.layer.id}:${coding.id}`}>
            <button type="button" className="link-button" data-coding-id={coding.id} onClick={(event) => onOpen(coding.id, event.currentTarget.getBoundingClientRect())}>
              {codeById.get(coding.codeId)?.name ?? unknownCodeName} — {coderName(coding.layer.id)}: “{coding.quote}”
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function CodingHelp({ canCode, canEditText, isViewer }: { canCode: boolean; canEditText: boolean; isViewer: boolean }) {
  return (
    <section className="sidebar-section" id={codingHelpId}>
      <h2>How to code</h2>
      {canCode ? (
        <p className="muted small">
          Select words with the mouse, or focus the transcript and use <kbd>Shift</kbd>+arrows (<kbd>Ctrl</kbd> for whole words). Press{' '}
          <kbd>{canEditText ? 'Ctrl+Enter' : 'Enter'}</kbd> to open the code picker. Codings in the margin open with <kbd>Enter</kbd>.
        </p>
      ) : (
        <p className="muted small">
          {isViewer
            ? 'You are a viewer in this project: you can read the transcript and codings, but not change them.'
            : 'Coding starts as soon as the transcript has loaded.'}
        </p>
      )}
    </section>
  );
}
