/**
 * The codebook: a live tree of codes (it is a Y.Doc, so other people's edits appear at once),
 * and a form for the selected code. Changes go through REST, which validates them and writes the
 * same live document. Codes are reordered and nested by drag and drop, by Alt+arrow keys on a
 * focused code, or by the move buttons of the selected code.
 */
import { type DragEvent, type FormEvent, type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { CodingView, Member, Project } from '../../../../shared/api/responses';
import { decide } from '../../../../shared/authz';
import { codeUsage } from '../../../../shared/collab/codings';
import { documentNames } from '../../../../shared/collab/documentNames';
import { isConsensusLayer } from '../../../../shared/collab/layers';
import { codeColourAt, codeColours } from '../../../../shared/collab/palette';
import { type Code, type CodeFields, observeCodes, readCodes } from '../../../../shared/collab/schema';
import { api } from '../../api';
import { type CollabDocument, openDocument } from '../../collab/connection';
import { useAsync } from '../../hooks';
import { Presence } from '../../ui/Presence';
import { LoadError, ProjectHeader } from '../../ui/parts';
import { type CodeMove, codeTree, type Placement, planCodeMove } from './codebook';

export function CodebookScreen({ projectId }: { projectId: string }) {
  const project = useAsync(() => api.project(projectId), [projectId]);
  const [codebook, setCodebook] = useState<CollabDocument | null>(null);
  useEffect(() => {
    const opened = openDocument(documentNames.codebook(projectId), { primary: true });
    setCodebook(opened);
    return () => void opened.close();
  }, [projectId]);
  if (project.error) return <LoadError message={project.error.message} />;
  if (!project.data || !codebook) return <main className="page muted">Loading codebook…</main>;
  return <Codebook project={project.data} codebook={codebook} />;
}

function useCodes(codebook: CollabDocument): Code[] {
  const [codes, setCodes] = useState(() => readCodes(codebook.doc));
  useEffect(() => {
    const refresh = () => setCodes(readCodes(codebook.doc));
    const stopCodes = observeCodes(codebook.doc, refresh);
    const stopState = codebook.subscribe(refresh);
    return () => {
      stopCodes();
      stopState();
    };
  }, [codebook]);
  return codes;
}

interface CodeUsage {
  total: number;
  /** Codings per layer: a coder's user id, or `consensus`. */
  byLayer: Map<string, number>;
}

/** Codings per code, in total and per layer, across every transcript and every layer this person may read. */
async function loadUsage(projectId: string): Promise<{ usage: Map<string, CodeUsage>; members: Member[] }> {
  const [documents, { members }] = await Promise.all([api.documents(projectId), api.members(projectId)]);
  const codingsByLayer = new Map<string, CodingView[]>();
  // One transcript at a time: a large project must not fire hundreds of requests at once.
  for (const document of documents)
    for (const coding of await api.codings(projectId, document.id, 'all')) {
      const layerCodings = codingsByLayer.get(coding.layer);
      if (layerCodings) layerCodings.push(coding);
      else codingsByLayer.set(coding.layer, [coding]);
    }
  const usage = new Map<string, CodeUsage>();
  for (const [layerId, codings] of codingsByLayer)
    for (const [codeId, count] of codeUsage(codings)) {
      const entry = usage.get(codeId) ?? { total: 0, byLayer: new Map<string, number>() };
      entry.total += count;
      entry.byLayer.set(layerId, count);
      usage.set(codeId, entry);
    }
  return { usage, members };
}

const placementWords: Record<Placement, string> = { before: 'before', after: 'after', inside: 'into' };

/** Where a drop lands on a row: its top quarter inserts before, its bottom quarter after, the middle nests. */
function dropPlacement(event: DragEvent<HTMLElement>): Placement {
  const rect = event.currentTarget.getBoundingClientRect();
  const ratio = (event.clientY - rect.top) / Math.max(1, rect.height);
  return ratio < 0.25 ? 'before' : ratio > 0.75 ? 'after' : 'inside';
}

function Codebook({ project, codebook }: { project: Project; codebook: CollabDocument }) {
  const codes = useCodes(codebook);
  const tree = useMemo(() => codeTree(codes), [codes]);
  const usage = useAsync(() => loadUsage(project.id), [project.id]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<{ codeId: string; placement: Placement } | null>(null);
  const [focusAfterMove, setFocusAfterMove] = useState<string | null>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  const [showArchived, setShowArchived] = useState(true);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const canEdit = decide({ role: project.role, resource: 'codebook', operation: 'write', blind: project.blind }).allowed;
  const visibleTree = tree.filter((entry) => showArchived || !entry.code.archived);
  const selected = codes.find((code) => code.id === selectedId) ?? null;

  const run = async (action: () => Promise<unknown>, success: string) => {
    setMessage(null);
    try {
      await action();
      setMessage({ tone: 'ok', text: success });
    } catch (caught) {
      setMessage({ tone: 'error', text: caught instanceof Error ? caught.message : String(caught) });
    }
  };

  /** Sends one move to the server; a refused move (a cycle, a duplicate name) is shown as the server explains it. */
  const applyMove = async (move: CodeMove, keepFocus: boolean) => {
    const moved = codes.find((code) => code.id === move.codeId);
    if (!moved) return;
    setMessage(null);
    try {
      for (const step of move.patches) await api.updateCode(project.id, step.codeId, step.patch);
      setSelectedId(move.codeId);
      if (keepFocus) setFocusAfterMove(move.codeId);
      setMessage({ tone: 'ok', text: `“${moved.name}” ${move.description}.` });
    } catch (caught) {
      const reason = caught instanceof Error ? caught.message.replace(/^[a-zA-Z]+: /, '') : String(caught);
      setMessage({ tone: 'error', text: `Cannot move “${moved.name}” there: ${reason}.` });
    }
  };
  const move = (codeId: string, targetId: string, placement: Placement, keepFocus: boolean) => {
    const plan = planCodeMove(codes, codeId, targetId, placement);
    if (plan) void applyMove(plan, keepFocus);
  };
  /** The keyboard and button moves: up, down, indent (into the previous sibling), outdent (after the parent). */
  const moveBy = (codeId: string, direction: 'up' | 'down' | 'indent' | 'outdent', keepFocus: boolean) => {
    const target = neighbour(codeId, direction);
    if (target) move(codeId, target.codeId, target.placement, keepFocus);
  };
  const neighbour = (codeId: string, direction: 'up' | 'down' | 'indent' | 'outdent'): { codeId: string; placement: Placement } | null => {
    const code = codes.find((candidate) => candidate.id === codeId);
    if (!code) return null;
    const siblings = tree.filter((entry) => entry.code.parentId === code.parentId).map((entry) => entry.code);
    const at = siblings.findIndex((sibling) => sibling.id === codeId);
    if (direction === 'up') return at > 0 ? { codeId: siblings[at - 1].id, placement: 'before' } : null;
    if (direction === 'down') return at >= 0 && at + 1 < siblings.length ? { codeId: siblings[at + 1].id, placement: 'after' } : null;
    if (direction === 'indent') return at > 0 ? { codeId: siblings[at - 1].id, placement: 'inside' } : null;
    return code.parentId !== null && codes.some((candidate) => candidate.id === code.parentId) ? { codeId: code.parentId, placement: 'after' } : null;
  };

  useEffect(() => {
    if (!focusAfterMove) return;
    treeRef.current?.querySelector<HTMLElement>(`[data-code-id="${focusAfterMove}"]`)?.focus();
    setFocusAfterMove(null);
  }, [focusAfterMove]);

  const moveFocus = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    const moves: Record<string, 'up' | 'down' | 'indent' | 'outdent'> = { ArrowUp: 'up', ArrowDown: 'down', ArrowRight: 'indent', ArrowLeft: 'outdent' };
    if (event.altKey && moves[event.key]) {
      event.preventDefault();
      if (canEdit) moveBy(visibleTree[index].code.id, moves[event.key], true);
      return;
    }
    const target = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? visibleTree.length - 1 : null;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setSelectedId(visibleTree[index].code.id);
      return;
    }
    if (target === null || target < 0 || target >= visibleTree.length) return;
    event.preventDefault();
    (event.currentTarget.parentElement?.children[target] as HTMLElement | undefined)?.focus();
  };

  return (
    <main className="page">
      <ProjectHeader project={project} tab="codebook" actions={<Presence awareness={codebook.provider.awareness} place="codebook" />} />
      {message && (
        <p className={message.tone === 'ok' ? 'banner banner-info' : 'banner banner-error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div className="codebook-layout">
        <section className="card codebook-tree-card" aria-labelledby="codes-title">
          <div className="section-head">
            <h2 id="codes-title">Codes</h2>
            <label className="check small">
              <input type="checkbox" checked={showArchived} onChange={(event) => setShowArchived(event.target.checked)} />
              <span>Show archived</span>
            </label>
          </div>
          {!codebook.state().synced && <p className="muted">Loading codes…</p>}
          {codebook.state().synced && codes.length === 0 && (
            <div className="empty-state small">
              <p>No codes yet.{canEdit ? ' Add the first one below.' : ' Owners and adjudicators build the codebook.'}</p>
            </div>
          )}
          {canEdit && codes.length > 1 && (
            <p className="muted small tree-hint" id="code-tree-hint">
              Drag a code onto another to nest it, or between two to reorder. With the keyboard: <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> move,{' '}
              <kbd>Alt</kbd>+<kbd>→</kbd> nests under the code above, <kbd>Alt</kbd>+<kbd>←</kbd> moves out a level.
            </p>
          )}
          <div className="code-tree" role="tree" aria-label="Codebook" aria-describedby={canEdit ? 'code-tree-hint' : undefined} ref={treeRef}>
            {visibleTree.map((entry, index) => {
              const drop = dropTarget?.codeId === entry.code.id && dragId !== entry.code.id ? ` drop-${dropTarget.placement}` : '';
              return (
                <div
                  key={entry.code.id}
                  data-code-id={entry.code.id}
                  role="treeitem"
                  aria-level={entry.depth + 1}
                  aria-selected={entry.code.id === selectedId}
                  tabIndex={entry.code.id === selectedId || (selectedId === null && index === 0) ? 0 : -1}
                  className={`code-row${entry.code.id === selectedId ? ' selected' : ''}${entry.code.archived ? ' archived' : ''}${dragId === entry.code.id ? ' dragging' : ''}${drop}`}
                  style={{ paddingLeft: `${0.75 + entry.depth * 1.4}rem` }}
                  draggable={canEdit}
                  onClick={() => setSelectedId(entry.code.id)}
                  onKeyDown={(event) => moveFocus(event, index)}
                  onDragStart={(event) => {
                    event.dataTransfer.effectAllowed = 'move';
                    event.dataTransfer.setData('text/plain', entry.code.name);
                    setDragId(entry.code.id);
                  }}
                  onDragOver={(event) => {
                    if (!dragId || dragId === entry.code.id) return;
                    event.preventDefault();
                    event.dataTransfer.dropEffect = 'move';
                    const placement = dropPlacement(event);
                    if (dropTarget?.codeId !== entry.code.id || dropTarget.placement !== placement) setDropTarget({ codeId: entry.code.id, placement });
                  }}
                  onDragLeave={(event) => {
                    if (!event.currentTarget.contains(event.relatedTarget as Node | null) && dropTarget?.codeId === entry.code.id) setDropTarget(null);
                  }}
                  onDrop={(event) => {
                    event.preventDefault();
                    if (dragId && dragId !== entry.code.id) move(dragId, entry.code.id, dropPlacement(event), false);
                    setDragId(null);
                    setDropTarget(null);
                  }}
                  onDragEnd={() => {
                    setDragId(null);
                    setDropTarget(null);
                  }}
                >
                  {canEdit && (
                    <span className="drag-handle" aria-hidden="true">
                      ⠿
                    </span>
                  )}
                  <span className="code-swatch" style={{ background: entry.code.color }} aria-hidden="true" />
                  <span className="code-row-name">{entry.code.name}</span>
                  {entry.code.archived && <span className="badge">archived</span>}
                  <span className="code-usage" title="Codings with this code in the layers you can see">
                    {usage.data ? (usage.data.usage.get(entry.code.id)?.total ?? 0) : '…'}
                    <span className="visually-hidden"> codings</span>
                  </span>
                  {drop && (
                    <span className="visually-hidden">
                      Drop {placementWords[dropTarget?.placement ?? 'inside']} {entry.code.name}
                    </span>
                  )}
                </div>
              );
            })}
          </div>
          {canEdit && <NewCodeForm projectId={project.id} codes={codes} onDone={(text) => setMessage({ tone: 'ok', text })} onError={(text) => setMessage({ tone: 'error', text })} />}
        </section>
        <section className="card codebook-detail" aria-label="Selected code">
          {selected ? (
            <CodeForm
              key={selected.id}
              project={project}
              code={selected}
              codes={codes}
              canEdit={canEdit}
              uses={usage.data ? (usage.data.usage.get(selected.id) ?? { total: 0, byLayer: new Map() }) : null}
              layerName={(layerId) =>
                isConsensusLayer(layerId) ? 'Consensus' : (usage.data?.members.find((member) => member.userId === layerId)?.name ?? 'A former member')
              }
              canMove={{ up: neighbour(selected.id, 'up') !== null, down: neighbour(selected.id, 'down') !== null, indent: neighbour(selected.id, 'indent') !== null, outdent: neighbour(selected.id, 'outdent') !== null }}
              onMove={(direction) => moveBy(selected.id, direction, false)}
              run={run}
              onMerged={() => {
                setSelectedId(null);
                usage.reload();
              }}
            />
          ) : (
            <div className="empty-state small">
              <h2>Pick a code</h2>
              <p>Select a code on the left to read its definition{canEdit ? ', edit it, archive it or merge it into another code' : ''}.</p>
            </div>
          )}
        </section>
      </div>
    </main>
  );
}

function NewCodeForm({ projectId, codes, onDone, onError }: { projectId: string; codes: Code[]; onDone: (text: string) => void; onError: (text: string) => void }) {
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const code = await api.createCode(projectId, { name, parentId: parentId || null, color: codeColourAt(codes.length) });
      setName('');
      onDone(`Code “${code.name}” added.`);
    } catch (caught) {
      onError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  return (
    <form className="new-code-form" onSubmit={submit}>
      <h3>Add a code</h3>
      <div className="field-row">
        <label className="field grow">
          <span>Name</span>
          <input value={name} onChange={(event) => setName(event.target.value)} required />
        </label>
        <label className="field">
          <span>Under</span>
          <select value={parentId} onChange={(event) => setParentId(event.target.value)}>
            <option value="">Top level</option>
            {codeTree(codes).map((entry) => (
              <option key={entry.code.id} value={entry.code.id}>
                {entry.path}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary align-end">
          Add
        </button>
      </div>
    </form>
  );
}

const textFields: { key: keyof Pick<CodeFields, 'definition' | 'inclusion' | 'exclusion' | 'example'>; label: string; hint: string }[] = [
  { key: 'definition', label: 'Definition', hint: 'What this code means in this study.' },
  { key: 'inclusion', label: 'Use when', hint: 'Inclusion criteria.' },
  { key: 'exclusion', label: 'Do not use when', hint: 'Exclusion criteria, and which code to use instead.' },
  { key: 'example', label: 'Example', hint: 'A typical quote.' },
];

function CodeForm({
  project,
  code,
  codes,
  canEdit,
  uses,
  layerName,
  canMove,
  onMove,
  run,
  onMerged,
}: {
  project: Project;
  code: Code;
  codes: Code[];
  canEdit: boolean;
  uses: CodeUsage | null;
  layerName: (layerId: string) => string;
  canMove: Record<'up' | 'down' | 'indent' | 'outdent', boolean>;
  onMove: (direction: 'up' | 'down' | 'indent' | 'outdent') => void;
  run: (action: () => Promise<unknown>, success: string) => Promise<void>;
  onMerged: () => void;
}) {
  const [draft, setDraft] = useState(code);
  const [mergeInto, setMergeInto] = useState('');
  // Remote edits replace the fields this person has not changed; unsaved typing is kept.
  const lastSaved = useRef(code);
  useEffect(() => {
    setDraft((current) => ({ ...code, ...unsavedFields(current, lastSaved.current) }));
    lastSaved.current = code;
  }, [code]);
  const save = (patch: Partial<CodeFields>) => void run(() => api.updateCode(project.id, code.id, patch), 'Saved.');
  const descendants = new Set<string>([code.id]);
  for (const entry of codeTree(codes)) if (entry.code.parentId && descendants.has(entry.code.parentId)) descendants.add(entry.code.id);
  // A code can be neither moved under nor merged into itself or its own subcodes.
  const targetOptions = codeTree(codes)
    .filter((entry) => !descendants.has(entry.code.id))
    .map((entry) => (
      <option key={entry.code.id} value={entry.code.id}>
        {entry.path}
      </option>
    ));

  return (
    <form className="code-form" onSubmit={(event) => event.preventDefault()} aria-label={`Code ${code.name}`}>
      <div className="field-row">
        <label className="field grow">
          <span>Name</span>
          <input
            value={draft.name}
            disabled={!canEdit}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            onBlur={() => draft.name !== code.name && save({ name: draft.name })}
          />
        </label>
        <label className="field">
          <span>Colour</span>
          <input type="color" className="color-input" value={draft.color} disabled={!canEdit} onChange={(event) => setDraft({ ...draft, color: event.target.value })} onBlur={() => draft.color !== code.color && save({ color: draft.color })} />
        </label>
        <label className="field">
          <span>Parent</span>
          <select value={code.parentId ?? ''} disabled={!canEdit} onChange={(event) => save({ parentId: event.target.value || null })}>
            <option value="">Top level</option>
            {targetOptions}
          </select>
        </label>
      </div>
      {canEdit && (
        <fieldset className="swatches">
          <legend className="visually-hidden">Suggested colours</legend>
          {codeColours.map((color) => (
            <button
              key={color}
              type="button"
              className={`swatch-button${color === code.color ? ' current' : ''}`}
              style={{ background: color }}
              aria-label={`Use colour ${color}`}
              aria-pressed={color === code.color}
              onClick={() => save({ color })}
            />
          ))}
        </fieldset>
      )}
      {textFields.map((field) => (
        <label key={field.key} className="field">
          <span>{field.label}</span>
          <textarea
            rows={field.key === 'definition' ? 3 : 2}
            value={draft[field.key]}
            disabled={!canEdit}
            placeholder={canEdit ? field.hint : 'Not written yet.'}
            onChange={(event) => setDraft({ ...draft, [field.key]: event.target.value })}
            onBlur={() => draft[field.key] !== code[field.key] && save({ [field.key]: draft[field.key] })}
          />
        </label>
      ))}
      {canEdit && (
        <fieldset className="move-buttons">
          <legend>Position in the codebook</legend>
          <button type="button" className="button small" disabled={!canMove.up} aria-label={`Move “${code.name}” up`} onClick={() => onMove('up')}>
            <span aria-hidden="true">↑</span> Up
          </button>
          <button type="button" className="button small" disabled={!canMove.down} aria-label={`Move “${code.name}” down`} onClick={() => onMove('down')}>
            <span aria-hidden="true">↓</span> Down
          </button>
          <button type="button" className="button small" disabled={!canMove.indent} aria-label={`Nest “${code.name}” under the code above`} onClick={() => onMove('indent')}>
            <span aria-hidden="true">→</span> Indent
          </button>
          <button type="button" className="button small" disabled={!canMove.outdent} aria-label={`Move “${code.name}” out one level`} onClick={() => onMove('outdent')}>
            <span aria-hidden="true">←</span> Outdent
          </button>
        </fieldset>
      )}
      <div className="code-uses" data-testid="code-usage">
        <p className="muted small">
          {uses === null ? 'Counting codings…' : `Applied ${uses.total} time${uses.total === 1 ? '' : 's'} in the layers you can see${uses.total > 0 ? ':' : '.'}`}
        </p>
        {uses && uses.total > 0 && (
          <table className="usage-table">
            <caption className="visually-hidden">Codings with “{code.name}” per coder</caption>
            <thead>
              <tr>
                <th scope="col" className="usage-cell usage-head">
                  Coder
                </th>
                <th scope="col" className="usage-cell usage-head">
                  Codings
                </th>
              </tr>
            </thead>
            <tbody>
              {[...uses.byLayer.entries()]
                .sort((a, b) => b[1] - a[1])
                .map(([layerId, count]) => (
                  <tr key={layerId}>
                    <th scope="row" className="usage-cell">
                      {layerName(layerId)}
                    </th>
                    <td className="usage-cell usage-count">{count}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </div>
      {canEdit && (
        <div className="code-actions">
          <button type="button" className="button ghost" onClick={() => save({ archived: !code.archived })}>
            {code.archived ? 'Restore code' : 'Archive code'}
          </button>
          <div className="merge-row">
            <label className="field grow">
              <span>Merge into</span>
              <select value={mergeInto} onChange={(event) => setMergeInto(event.target.value)}>
                <option value="">Choose a code…</option>
                {targetOptions}
              </select>
            </label>
            <button
              type="button"
              className="button danger align-end"
              disabled={!mergeInto}
              onClick={() => {
                const target = codes.find((candidate) => candidate.id === mergeInto);
                if (!target || !window.confirm(`Merge “${code.name}” into “${target.name}”? Every coding moves to “${target.name}” and “${code.name}” is removed.`)) return;
                void run(async () => {
                  const { moved } = await api.mergeCode(project.id, code.id, target.id);
                  onMerged();
                  return moved;
                }, `“${code.name}” was merged into “${target.name}”; every coding was kept.`);
              }}
            >
              Merge
            </button>
          </div>
          <p className="hint">Merging moves every coding in every layer (all coders and the consensus) to the chosen code, then removes this one.</p>
        </div>
      )}
    </form>
  );
}

/** Fields the user has changed locally and not saved yet. */
function unsavedFields(draft: Code, saved: Code): Partial<Code> {
  const changed: Partial<Code> = {};
  for (const key of Object.keys(draft) as (keyof Code)[]) if (draft[key] !== saved[key]) (changed as Record<string, unknown>)[key] = draft[key];
  return changed;
}
