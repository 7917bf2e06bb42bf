/**
 * Reconciliation: the disagreement navigator of one transcript. Passages where coders differ, in
 * the server's impact order, each with every coder's codings side by side and a label; per passage
 * accept one coder's version, union, intersection, a custom boundary, recode or discard, each with
 * an optional rationale (keyboard: 1–9, U, I, D, J/K). A resolved passage's decision can be changed
 * (C): the same actions, and the new decision supersedes the one in force (SPEC Q6). Progress ("37
 * of 52 resolved"), live claims so several adjudicators never decide the same passage twice,
 * auto-merge of the agreed passages with a preview first and undo, the decision trail per passage
 * (a changed decision listed as superseded), and the code's definition (with its history) one
 * click away, editable in place.
 */
import { type KeyboardEvent as ReactKeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AutoMergePreview, DecisionAction, DisagreementList, DisagreementView, ReconcileScope } from '../../../../shared/api/reconciliation';
import type { DocumentSummary, Project } from '../../../../shared/api/responses';
import type { CodeHistoryEntry, RoundView } from '../../../../shared/api/rounds';
import type { Code, StoredClaim, StoredMerge } from '../../../../shared/collab/schema';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { navigate, paths } from '../../router';
import { useSession } from '../../session';
import { type Feedback, FeedbackLine, failureFeedback } from '../../ui/feedback';
import { LoadError, ProjectHeader } from '../../ui/parts';
import { AgreementSections } from '../agreement/AgreementSections';
import { liveClaimsByPassage, useLiveConsensus } from './liveConsensus';
import { actionText, disagreementLabel, textRuns } from './reading';

export function ReconcileScreen({ projectId, documentId }: { projectId: string; documentId: string | null }) {
  const roundId = new URLSearchParams(location.search).get('round');
  const data = useAsync(async () => {
    const [project, documents, codes, rounds, members] = await Promise.all([
      api.project(projectId),
      api.documents(projectId),
      api.codes(projectId),
      api.rounds(projectId),
      api.members(projectId),
    ]);
    return { project, documents, codes, rounds, members: members.members };
  }, [projectId]);
  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Loading reconciliation…</main>;
  const { project, documents, codes, rounds, members } = data.data;
  // Deciders by name (coders come named in the disagreement list); someone who left is a former member.
  const personName = (id: string) => {
    const member = members.find((entry) => entry.userId === id);
    return member ? member.name || member.email : 'a former member';
  };
  const round = rounds.find((entry) => entry.id === roundId) ?? null;
  const decides = project.role === 'owner' || project.role === 'adjudicator';
  const choices = round ? documents.filter((document) => round.documentIds.includes(document.id)) : documents;
  const current = choices.find((document) => document.id === documentId) ?? null;
  const withScope = (id: string, nextRound: string | null) => `${paths.reconcile(projectId, id)}${nextRound ? `?round=${encodeURIComponent(nextRound)}` : ''}`;

  return (
    <main className="page agreement-page reconcile-page">
      <ProjectHeader project={project} tab="agreement" />
      <AgreementSections projectId={projectId} current="reconcile" />
      {!decides ? (
        <div className="empty-state">
          <h2>Reconciling is for owners and adjudicators</h2>
          <p>They decide what goes into the consensus layer; as a {project.role} you code in your own layer.</p>
        </div>
      ) : (
        <>
          <div className="card reconcile-scope">
            <label className="field">
              <span>Compare</span>
              <select value={round?.id ?? ''} onChange={(e) => navigate(withScope(current?.id ?? '', e.target.value || null))}>
                <option value="">Every coder with codings (live layers)</option>
                {rounds.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    Round “{entry.name}” ({entry.status === 'open' ? 'open: live layers' : 'closed: frozen layers'})
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Transcript</span>
              <select value={current?.id ?? ''} onChange={(e) => navigate(withScope(e.target.value, round?.id ?? null))}>
                <option value="" disabled>
                  Choose a transcript
                </option>
                {choices.map((document) => (
                  <option key={document.id} value={document.id}>
                    {document.title}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {current ? (
            <Navigator
              key={`${current.id}/${round?.id ?? ''}`}
              project={project}
              document={current}
              codes={codes}
              round={round}
              personName={personName}
              onCodesChanged={data.reload}
            />
          ) : (
            <p className="empty-state small">Choose a transcript to see where its coders differ.</p>
          )}
        </>
      )}
    </main>
  );
}

type CoderName = (id: string) => string;

function Navigator({
  project,
  document,
  codes,
  round,
  personName,
  onCodesChanged,
}: {
  project: Project;
  document: DocumentSummary;
  codes: Code[];
  round: RoundView | null;
  personName: CoderName;
  onCodesChanged: () => void;
}) {
  const { user } = useSession();
  const scope: ReconcileScope = useMemo(() => (round ? { roundId: round.id } : {}), [round]);
  const list = useAsync(async () => {
    const [disagreements, trail] = await Promise.all([api.disagreements(project.id, document.id, scope), api.decisionTrail(project.id, document.id)]);
    return { disagreements, merges: trail.merges };
  }, [project.id, document.id, scope]);
  const { reload } = list;
  const live = useLiveConsensus(document.id, reload);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // Claims lapse on their own; the clock moves so lapsed ones stop showing.
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const claims = liveClaimsByPassage(live.claims, now);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);

  const codeName = useCallback((id: string) => codes.find((code) => code.id === id)?.name ?? 'a deleted code', [codes]);
  if (list.error && !list.data) return <p className="banner banner-error" role="alert">{list.error.message}</p>;
  if (!list.data) return <p className="muted">Finding disagreements…</p>;
  const { disagreements, merges } = list.data;
  const coderName: CoderName = (id) => disagreements.coders.find((coder) => coder.id === id)?.name ?? personName(id);
  const shown = disagreements.disagreements.filter((item) => showResolved || item.state !== 'resolved');
  const selected = disagreements.disagreements.find((item) => item.id === selectedId) ?? shown[0] ?? null;
  const position = selected ? shown.findIndex((item) => item.id === selected.id) : -1;
  const step = (delta: number) => {
    if (shown.length === 0) return;
    const next = shown[(Math.max(0, position) + delta + shown.length) % shown.length];
    setSelectedId(next.id);
  };
  const { resolved, total } = disagreements.progress;

  return (
    <>
      <section className="card reconcile-summary" aria-label="Progress">
        <div className="reconcile-progress">
          <p data-testid="reconcile-progress">
            <strong>
              {resolved} of {total}
            </strong>{' '}
            resolved
          </p>
          <progress max={Math.max(1, total)} value={resolved} aria-label={`${resolved} of ${total} disagreements resolved`} />
          <p className="hint">
            {disagreements.coders.map((coder) => coder.name).join(', ')} · {disagreements.agreedPassages} agreed passage{disagreements.agreedPassages === 1 ? '' : 's'} ·{' '}
            <a href={`/api/projects/${encodeURIComponent(project.id)}/documents/${encodeURIComponent(document.id)}/decisions?format=csv`} download>
              decision trail as CSV
            </a>
          </p>
        </div>
        <AutoMerge project={project} document={document} scope={scope} merges={merges} userId={user.id} coderName={coderName} codeName={codeName} onChanged={reload} />
      </section>
      {live.refused && <p className="banner banner-error">Live claims are unavailable: {live.refused}</p>}
      {disagreements.disagreements.length === 0 ? (
        <p className="empty-state small" data-testid="no-disagreements">
          The coders agree everywhere in this transcript{disagreements.agreedPassages > 0 ? ': auto-merge the agreed passages into the consensus above' : ''}.
        </p>
      ) : (
        <div className="reconcile-layout">
          <nav className="card reconcile-list" aria-label="Disagreements, most important first">
            <label className="check">
              <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} />
              <span>Show resolved ones</span>
            </label>
            <ol>
              {shown.map((item, index) => {
                const claim = claims.get(item.id);
                return (
                  <li key={item.id}>
                    <button
                      type="button"
                      className="reconcile-list-item"
                      aria-current={item.id === selected?.id ? 'true' : undefined}
                      onClick={() => setSelectedId(item.id)}
                      data-disagreement-id={item.id}
                    >
                      <span className="reconcile-list-rank">{index + 1}</span>
                      <span className="reconcile-list-text">
                        <span className="reconcile-kind">{disagreementLabel(item.kinds)}</span>
                        <span className="reconcile-quote">“{item.text.length > 70 ? `${item.text.slice(0, 69)}…` : item.text}”</span>
                        <span className="reconcile-list-meta">
                          {item.state === 'resolved' ? '✓ resolved' : item.state === 'changed' ? '↻ changed since decided' : 'open'}
                          {claim && ` · ${claim.userId === user.id ? 'you are on it' : `${claim.userName} is on it`}`}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ol>
          </nav>
          {selected ? (
            <Disagreement
              key={selected.id}
              project={project}
              document={document}
              scope={scope}
              item={selected}
              codes={codes}
              coders={disagreements.coders}
              claim={claims.get(selected.id) ?? null}
              userId={user.id}
              coderName={coderName}
              codeName={codeName}
              position={`${position + 1} of ${shown.length}`}
              onStep={step}
              onDecided={reload}
              onCodesChanged={onCodesChanged}
            />
          ) : (
            <p className="empty-state small">Every disagreement is resolved. Tick “Show resolved ones” to review the decisions.</p>
          )}
        </div>
      )}
    </>
  );
}

function AutoMerge({
  project,
  document,
  scope,
  merges,
  userId,
  coderName,
  codeName,
  onChanged,
}: {
  project: Project;
  document: DocumentSummary;
  scope: ReconcileScope;
  merges: StoredMerge[];
  userId: string;
  coderName: CoderName;
  codeName: (id: string) => string;
  onChanged: () => void;
}) {
  const [preview, setPreview] = useState<AutoMergePreview | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const undoable = [...merges].reverse().find((merge) => merge.undo === null) ?? null;
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setFeedback(null);
    try {
      setFeedback({ tone: 'ok', text: await action() });
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="reconcile-automerge" data-testid="automerge">
      <div className="reconcile-automerge-actions">
        <button type="button" className="button" disabled={busy} onClick={() => run(async () => {
          const next = await api.previewAutoMerge(project.id, document.id, scope);
          setPreview(next);
          return next.passages.length === 0 ? 'No agreed passage is waiting: nothing to merge.' : `Preview: ${next.passages.length} agreed passage${next.passages.length === 1 ? '' : 's'}, ${next.codings} consensus coding${next.codings === 1 ? '' : 's'}.`;
        })}>
          Preview auto-merge
        </button>
        {undoable && (
          <button type="button" className="button ghost" disabled={busy} onClick={() => run(async () => {
            const undone = await api.undoAutoMerge(project.id, document.id, undoable.id);
            onChanged();
            const changed = undone.supersededDecisions.length;
            return `Undone: ${undone.removed.length} coding${undone.removed.length === 1 ? '' : 's'} removed${undone.keptEdited.length > 0 ? `; ${undone.keptEdited.length} edited since were kept` : ''}${changed > 0 ? `; ${changed} passage${changed === 1 ? '' : 's'} whose decision was changed since keep that decision` : ''}.`;
          })}>
            Undo the auto-merge of {new Date(undoable.appliedAt).toLocaleTimeString()}
            {undoable.appliedBy === userId ? '' : ` (by ${coderName(undoable.appliedBy)})`}
          </button>
        )}
      </div>
      {preview && preview.passages.length > 0 && (
        <div className="reconcile-preview">
          <p>
            These agreed passages go into the consensus, each as the text every coder coded ({Math.round(preview.agreedOverlapRatioMin * 100)} % overlap or more):
          </p>
          <ul className="reconcile-preview-list">
            {preview.passages.map((passage) => (
              <li key={passage.disagreementId}>
                {passage.codings.map((coding) => (
                  <span key={coding.id} className="reconcile-preview-coding">
                    <strong>{codeName(coding.codeId)}</strong>: “{coding.text}”
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <div className="reconcile-automerge-actions">
            <button type="button" className="button primary" disabled={busy} onClick={() => run(async () => {
              const applied = await api.applyAutoMerge(project.id, document.id, scope, preview.planId);
              setPreview(null);
              onChanged();
              return `Merged ${applied.decisions} passage${applied.decisions === 1 ? '' : 's'} (${applied.codings} codings) into the consensus.`;
            })}>
              Apply auto-merge
            </button>
            <button type="button" className="button ghost" disabled={busy} onClick={() => setPreview(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <FeedbackLine feedback={feedback} />
    </div>
  );
}

/** Keys of the common actions; digits accept the coder in that column. */
const shortcuts = { union: 'u', intersection: 'i', discard: 'd', next: 'j', previous: 'k', change: 'c' } as const;

function Disagreement({
  project,
  document,
  scope,
  item,
  codes,
  coders,
  claim,
  userId,
  coderName,
  codeName,
  position,
  onStep,
  onDecided,
  onCodesChanged,
}: {
  project: Project;
  document: DocumentSummary;
  scope: ReconcileScope;
  item: DisagreementView;
  codes: Code[];
  coders: DisagreementList['coders'];
  claim: StoredClaim | null;
  userId: string;
  coderName: CoderName;
  codeName: (id: string) => string;
  position: string;
  onStep: (delta: number) => void;
  onDecided: () => void;
  onCodesChanged: () => void;
}) {
  const [rationale, setRationale] = useState('');
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const activeCodes = codes.filter((code) => !code.archived);
  const passageCodes = item.codes.map((code) => code.codeId);
  const [customCode, setCustomCode] = useState(passageCodes[0] ?? activeCodes[0]?.id ?? '');
  const [customStart, setCustomStart] = useState(String(item.start));
  const [customEnd, setCustomEnd] = useState(String(item.end));
  const [recodeTo, setRecodeTo] = useState(passageCodes[0] ?? activeCodes[0]?.id ?? '');
  const [openCode, setOpenCode] = useState<string | null>(null);
  // A resolved passage shows its decision; "Change decision" opens the actions again.
  const [changing, setChanging] = useState(false);
  const deciding = item.state !== 'resolved' || changing;
  const claimedByOther = claim !== null && claim.userId !== userId;
  const panel = useRef<HTMLElement>(null);

  // Looking at a passage to decide it claims it, so a colleague sees it taken; leaving gives it back.
  useEffect(() => {
    if (!deciding || claimedByOther) return;
    let renewal: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const claimIt = () =>
      api.claimDisagreement(project.id, document.id, item.id, scope).then(
        (held) => {
          if (stopped) return;
          // Renewed halfway through its lease while the adjudicator stays on the passage.
          renewal = setTimeout(claimIt, Math.max(5_000, (Date.parse(held.expiresAt) - Date.parse(held.claimedAt)) / 2));
        },
        () => undefined,
      );
    claimIt();
    return () => {
      stopped = true;
      clearTimeout(renewal);
      api.releaseDisagreement(project.id, document.id, item.id).catch(() => undefined);
    };
  }, [project.id, document.id, item.id, deciding, scope, claimedByOther]);

  const decide = async (action: DecisionAction) => {
    if (!deciding || claimedByOther || busy) return;
    setBusy(true);
    setFeedback(null);
    try {
      // A change names the decision it replaces, so a colleague's change in between is refused, not overwritten.
      const supersedes = changing ? (item.inForce ?? undefined) : undefined;
      const result = await api.decideDisagreement(project.id, document.id, item.id, scope, { action, rationale: rationale.trim() || undefined, revision: item.revision, supersedes });
      const kept = result.superseded?.keptEdited.length ?? 0;
      setFeedback({
        tone: 'ok',
        text: result.superseded
          ? `Decision changed; the earlier one stays in the trail as superseded${kept > 0 ? ` (${kept} of its consensus coding${kept === 1 ? '' : 's'}, edited since, kept)` : ''}.`
          : `Decided: ${result.progress.resolved} of ${result.progress.total} resolved.`,
      });
      setChanging(false);
      setRationale('');
      onDecided();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: ReactKeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (event.ctrlKey || event.metaKey || event.altKey || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    const key = event.key.toLowerCase();
    const digit = Number(key);
    if (key === shortcuts.next) onStep(1);
    else if (key === shortcuts.previous) onStep(-1);
    else if (!deciding && key === shortcuts.change) setChanging(true);
    else if (!deciding) return;
    else if (Number.isInteger(digit) && digit >= 1 && digit <= coders.length) decide({ kind: 'accept', coder: coders[digit - 1].id });
    else if (key === shortcuts.union) decide({ kind: 'union' });
    else if (key === shortcuts.intersection) decide({ kind: 'intersection' });
    else if (key === shortcuts.discard) decide({ kind: 'discard' });
    else return;
    event.preventDefault();
  };
  // The panel takes the focus when shown, and again when the actions open or close (the button pressed is gone then).
  useEffect(() => panel.current?.focus(), [changing]);

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the panel takes focus so its keyboard shortcuts work without a mouse
    <section className="card reconcile-detail" aria-labelledby="reconcile-detail-title" tabIndex={0} ref={panel} onKeyDown={onKeyDown} data-testid="disagreement">
      <div className="reconcile-detail-head">
        <h2 id="reconcile-detail-title">
          Disagreement {position}: <span className="reconcile-kind">{disagreementLabel(item.kinds)}</span>
        </h2>
        <div className="reconcile-step">
          <button type="button" className="button small ghost" onClick={() => onStep(-1)} aria-keyshortcuts="K">
            ← Previous <kbd>K</kbd>
          </button>
          <button type="button" className="button small ghost" onClick={() => onStep(1)} aria-keyshortcuts="J">
            Next <kbd>J</kbd> →
          </button>
        </div>
      </div>
      <p className="hint">
        Characters {item.start}–{item.end}. {item.state === 'changed' && 'A coder changed their codings here after it was decided: decide again. '}
        {changing && 'Changing the decision: the new one supersedes the one in force, which stays in the trail. '}
        {claimedByOther && (
          <strong className="reconcile-claimed" role="status">
            {claim.userName} is deciding this passage now.
          </strong>
        )}
      </p>
      <div className="reconcile-versions" style={{ gridTemplateColumns: `repeat(${item.versions.length}, minmax(0, 1fr))` }}>
        {item.versions.map((version, index) => (
          <div key={version.coder} className="reconcile-version" data-coder={version.coder}>
            <h3>
              <kbd>{index + 1}</kbd> {coderName(version.coder)}
            </h3>
            <p className="reconcile-passage">
              {textRuns(item.start, item.end, version.codings).map((run) => (
                <span
                  key={run.start}
                  className={run.codeIds.length > 0 ? 'reconcile-coded' : undefined}
                  style={run.codeIds.length > 0 ? { background: `${codes.find((code) => code.id === run.codeIds[0])?.color ?? '#888888'}40` } : undefined}
                  title={run.codeIds.map(codeName).join(', ') || undefined}
                >
                  {item.text.slice(run.start - item.start, run.end - item.start)}
                </span>
              ))}
            </p>
            {version.codings.length === 0 ? (
              <p className="muted">Coded nothing here.</p>
            ) : (
              <ul className="reconcile-codings">
                {version.codings.map((coding) => (
                  <li key={coding.id}>
                    <button type="button" className="link-button" onClick={() => setOpenCode(coding.codeId)} title="Open the code’s definition">
                      {codeName(coding.codeId)}
                    </button>{' '}
                    <span className="muted">
                      {coding.start}–{coding.end}
                    </span>
                    : “{coding.text}”
                  </li>
                ))}
              </ul>
            )}
            {deciding && (
              <button type="button" className="button small" disabled={busy || claimedByOther} onClick={() => decide({ kind: 'accept', coder: version.coder })} aria-keyshortcuts={String(index + 1)}>
                Accept {coderName(version.coder)}’s version
              </button>
            )}
          </div>
        ))}
      </div>

      {deciding ? (
        <>
          <label className="field">
            <span>Rationale (optional, kept in the decision trail)</span>
            <textarea value={rationale} onChange={(e) => setRationale(e.target.value)} rows={2} maxLength={2000} />
          </label>
          <fieldset className="reconcile-actions">
            <legend className="visually-hidden">Decide this passage</legend>
            <button type="button" className="button" disabled={busy || claimedByOther} onClick={() => decide({ kind: 'union' })} aria-keyshortcuts="U">
              Union <kbd>U</kbd>
            </button>
            <button type="button" className="button" disabled={busy || claimedByOther} onClick={() => decide({ kind: 'intersection' })} aria-keyshortcuts="I">
              Intersection <kbd>I</kbd>
            </button>
            <button type="button" className="button" disabled={busy || claimedByOther} onClick={() => decide({ kind: 'discard' })} aria-keyshortcuts="D">
              Discard <kbd>D</kbd>
            </button>
          </fieldset>
          <details className="reconcile-more">
            <summary>Custom boundary or recode</summary>
            <div className="reconcile-more-grid">
              <fieldset>
                <legend>Custom boundary</legend>
                <CodeChoice codes={activeCodes} value={customCode} onChange={setCustomCode} />
                <label className="field">
                  <span>From character</span>
                  <input type="number" value={customStart} onChange={(e) => setCustomStart(e.target.value)} />
                </label>
                <label className="field">
                  <span>To character</span>
                  <input type="number" value={customEnd} onChange={(e) => setCustomEnd(e.target.value)} />
                </label>
                <button
                  type="button"
                  className="button small"
                  disabled={busy || claimedByOther}
                  onClick={() => decide({ kind: 'custom', codeId: customCode, start: Number(customStart), end: Number(customEnd) })}
                >
                  Apply custom boundary
                </button>
              </fieldset>
              <fieldset>
                <legend>Recode (union of the coders, as one code)</legend>
                <CodeChoice codes={activeCodes} value={recodeTo} onChange={setRecodeTo} />
                <button type="button" className="button small" disabled={busy || claimedByOther} onClick={() => decide({ kind: 'recode', codeId: recodeTo, from: { kind: 'union' } })}>
                  Recode
                </button>
              </fieldset>
            </div>
          </details>
          {changing && (
            <button type="button" className="button small ghost" onClick={() => setChanging(false)}>
              Keep the decision in force
            </button>
          )}
        </>
      ) : (
        <div className="reconcile-actions">
          <button type="button" className="button" disabled={claimedByOther} onClick={() => setChanging(true)} aria-keyshortcuts="C">
            Change decision <kbd>C</kbd>
          </button>
        </div>
      )}
      <FeedbackLine feedback={feedback} />

      <p className="reconcile-codes-line">
        Codes here:{' '}
        {item.codes.map((code, index) => (
          <span key={code.codeId}>
            {index > 0 && ', '}
            <button type="button" className="link-button" onClick={() => setOpenCode(code.codeId)}>
              {codeName(code.codeId)}
            </button>
          </span>
        ))}
      </p>
      {openCode && <CodeDefinition key={openCode} project={project} code={codes.find((code) => code.id === openCode) ?? null} onClose={() => setOpenCode(null)} onSaved={onCodesChanged} />}
      <DecisionTrailView item={item} coderName={coderName} codeName={codeName} />
    </section>
  );
}

function DecisionTrailView({ item, coderName, codeName }: { item: DisagreementView; coderName: CoderName; codeName: (id: string) => string }) {
  const supersededBy = new Map(item.decisions.flatMap((decision) => (decision.supersedes ? [[decision.supersedes, decision] as const] : [])));
  return (
    <section className="reconcile-trail" aria-labelledby={`trail-${item.id}`}>
      <h3 id={`trail-${item.id}`}>Decision trail</h3>
      {item.decisions.length === 0 ? (
        <p className="muted">No decision yet.</p>
      ) : (
        <ol>
          {item.decisions.map((decision) => {
            const replacedBy = supersededBy.get(decision.id);
            return (
              <li key={decision.id} data-testid="trail-entry" data-decision-id={decision.id}>
                <strong>{coderName(decision.decidedBy)}</strong> {actionText(decision.action, { coder: coderName, code: codeName })} on{' '}
                {new Date(decision.decidedAt).toLocaleString()}
                {decision.id === item.inForce ? ' (in force)' : ''}
                {replacedBy && (
                  <span className="reconcile-superseded">
                    {' '}
                    — superseded by {coderName(replacedBy.decidedBy)}’s decision of {new Date(replacedBy.decidedAt).toLocaleString()}
                  </span>
                )}
                {decision.rationale && <q className="reconcile-rationale">{decision.rationale}</q>}
                <span className="muted">
                  {' '}
                  → {decision.consensus.length === 0 ? 'nothing in consensus' : decision.consensus.map((coding) => `${codeName(coding.codeId)} ${coding.start}–${coding.end}`).join(', ')}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/** The code's definition, criteria and example, editable by those who may edit the codebook, with its history a click away. */
function CodeDefinition({ project, code, onClose, onSaved }: { project: Project; code: Code | null; onClose: () => void; onSaved: () => void }) {
  const [fields, setFields] = useState(() => ({
    definition: code?.definition ?? '',
    inclusion: code?.inclusion ?? '',
    exclusion: code?.exclusion ?? '',
    example: code?.example ?? '',
  }));
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [history, setHistory] = useState<CodeHistoryEntry[] | null>(null);
  if (!code) return <p className="muted">This code is no longer in the codebook.</p>;
  const save = async () => {
    setFeedback(null);
    try {
      await api.updateCode(project.id, code.id, fields);
      setFeedback({ tone: 'ok', text: 'Saved to the codebook.' });
      onSaved();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    }
  };
  const labels: Record<keyof typeof fields, string> = { definition: 'Definition', inclusion: 'Include when', exclusion: 'Exclude when', example: 'Example' };
  return (
    <section className="reconcile-code card" aria-labelledby={`code-${code.id}`} data-testid="code-definition">
      <div className="reconcile-detail-head">
        <h3 id={`code-${code.id}`}>
          <span className="code-swatch" style={{ background: code.color }} aria-hidden="true" /> {code.name}
        </h3>
        <button type="button" className="button small ghost" onClick={onClose}>
          Close
        </button>
      </div>
      {(Object.keys(labels) as (keyof typeof fields)[]).map((key) => (
        <label key={key} className="field">
          <span>{labels[key]}</span>
          <textarea rows={2} value={fields[key]} onChange={(e) => setFields((current) => ({ ...current, [key]: e.target.value }))} />
        </label>
      ))}
      <div className="reconcile-actions">
        <button type="button" className="button small primary" onClick={save}>
          Save definition
        </button>
        <button
          type="button"
          className="button small ghost"
          onClick={() => api.codeHistory(project.id, code.id).then(setHistory, (caught) => setFeedback(failureFeedback(caught)))}
        >
          Code history
        </button>
      </div>
      <FeedbackLine feedback={feedback} />
      {history && (
        <ol className="codebook-changes" data-testid="code-history">
          {history.length === 0 && <li>No recorded change yet.</li>}
          {history.map((entry) => (
            <li key={entry.version}>
              Version {entry.version}, {new Date(entry.createdAt).toLocaleString()}
              {entry.authorName ? ` by ${entry.authorName}` : ''}: {entry.text.join('; ')}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A field choosing one of the codebook's active codes for a decision. */
function CodeChoice({ codes, value, onChange }: { codes: readonly Code[]; value: string; onChange: (codeId: string) => void }) {
  return (
    <label className="field">
      <span>Code</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {codes.map((code) => (
          <option key={code.id} value={code.id}>
            {code.name}
          </option>
        ))}
      </select>
    </label>
  );
}
