/**
 * The Agreement tab: choose what to compare (a calibration round, or unit, transcripts and coders
 * by hand; grouping, intervals), compute the server's agreement report, and read it. Coders of a
 * blind project are told why they cannot see it rather than finding the tab empty, and see the
 * rounds they coded in once the owner reveals them.
 */

import { type FormEvent, useMemo, useState } from 'react';
import type { UnitSpec } from '../../../../shared/agreement/segments/units';
import type { AgreementQuery } from '../../../../shared/api/agreementQuery';
import type { AgreementReport, DocumentSummary, Member, ProgressRow, Project } from '../../../../shared/api/responses';
import type { RoundView } from '../../../../shared/api/rounds';
import { decide } from '../../../../shared/authz';
import { isConsensusLayer } from '../../../../shared/collab/layers';
import type { Code } from '../../../../shared/collab/schema';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { LoadError, ProjectHeader } from '../../ui/parts';
import { AgreementReportView } from './AgreementReportView';
import { AgreementSections } from './AgreementSections';
import { roundUnitLabel, unitOptions } from './reading';

const bootstrapDraws = 1000;
const defaultWindowSize = 500;
const defaultSeed = 1;

export function AgreementScreen({ projectId }: { projectId: string }) {
  const data = useAsync(async () => {
    const [project, documents, members, progress, codes, rounds] = await Promise.all([
      api.project(projectId),
      api.documents(projectId),
      api.members(projectId),
      api.progress(projectId).catch(() => [] as ProgressRow[]),
      api.codes(projectId),
      api.rounds(projectId),
    ]);
    return { project, documents, members: members.members, progress, codes,
      rounds,
    };
  }, [projectId]);

  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Loading agreement…</main>;
  const { project, documents, members, progress, codes, rounds } = data.data;
  const mayCompare = decide({ role: project.role, resource: 'other-layer', operation: 'read', blind: project.blind }).allowed;
  // Owners and adjudicators read every round's numbers; everyone else a round once it is revealed.
  const mayReadAllRounds = project.role === 'owner' || project.role === 'adjudicator';
  const readableRounds = rounds.filter((round) => mayReadAllRounds || round.revealed);

  return (
    <main className="page agreement-page">
      <ProjectHeader project={project} tab="agreement" />
      <AgreementSections projectId={projectId} current="report" />
      {!mayCompare ? (
        <>
          <BlindNotice projectId={projectId} />
          {readableRounds.length > 0 && (
            <AgreementWorkbench
              project={project}
              documents={documents}
              members={members}
              progress={progress}
              codes={codes}
              rounds={readableRounds}
              roundsOnly
            />
          )}
        </>
      ) : documents.length === 0 ? (
        <div className="empty-state">
          <h2>No transcripts yet</h2>
          <p>Agreement compares how coders coded the same transcripts; import a transcript and code it first.</p>
        </div>
      ) : (
        <AgreementWorkbench project={project} documents={documents} members={members} progress={progress} codes={codes}
          rounds={readableRounds}
          roundsOnly={false}
        />
      )}
    </main>
  );
}

/**
 * Blind mode keeps other coders' codings from a coder, and agreement is made of exactly those, so
 * the server refuses it; its answer is shown as it is, under an explanation of what happens next.
 */
function BlindNotice({ projectId }: { projectId: string }) {
  const answer = useAsync(() => api.agreement(projectId, { unit: { kind: 'turn' } }), [projectId]);
  return (
    <section className="card agreement-blind" aria-labelledby="agreement-blind-title" data-testid="agreement-blind">
      <h2 id="agreement-blind-title">Agreement is hidden while blind coding is on</h2>
      <p>
        Agreement compares your codings with the other coders’ codings, which blind mode keeps from you so that everyone codes independently.
        Owners and adjudicators can compute agreement now; you will see it here once the project owner turns blind mode off.
      </p>
      {answer.error && (
        <p className="agreement-server-answer">
          <span className="muted">The server says: </span>
          <q>{answer.error.message}</q>
        </p>
      )}
    </section>
  );
}

interface Settings {
  /** A calibration round, which brings its own unit, transcripts, coders and codes; empty: chosen by hand. */
  roundId: string;
  unit: UnitSpec['kind'];
  windowSize: string;
  documentIds: string[];
  coderIds: string[];
  groupBy: string;
  intervals: boolean;
  seed: string;
}

function AgreementWorkbench({
  project,
  documents,
  members,
  progress,
  codes,
  rounds,
  roundsOnly,
}: {
  project: Project;
  documents: DocumentSummary[];
  members: Member[];
  progress: ProgressRow[];
  codes: Code[];
  /** The rounds whose numbers the caller may read, oldest first. */
  rounds: RoundView[];
  /** Only rounds can be compared (a coder of a blind project, once rounds are revealed). */
  roundsOnly: boolean;
}) {
  // Coders are members with codings; the consensus layer is the outcome of reconciling, not a coder.
  const codersWithCodings = useMemo(() => {
    const coded = new Set(progress.filter((row) => !isConsensusLayer(row.coderId) && row.codings > 0).map((row) => row.coderId));
    return members.filter((member) => coded.has(member.userId));
  }, [members, progress]);
  const attributes = useMemo(() => {
    const keys = new Set(documents.flatMap((document) => Object.keys(document.attributes)));
    return [...keys].sort((a, b) => (a === 'role' ? -1 : b === 'role' ? 1 : a.localeCompare(b)));
  }, [documents]);

  const initialRound = new URLSearchParams(location.search).get('round');
  const [settings, setSettings] = useState<Settings>(() => ({
    roundId: rounds.some((round) => round.id === initialRound) ? (initialRound as string) : roundsOnly ? (rounds.at(-1)?.id ?? '') : '',
    unit: 'turn',
    windowSize: String(defaultWindowSize),
    documentIds: documents.map((document) => document.id),
    coderIds: codersWithCodings.map((coder) => coder.userId),
    groupBy: attributes[0] ?? '',
    intervals: false,
    seed: String(defaultSeed),
  }));
  const [result, setResult] = useState<{ report: AgreementReport; settings: Settings;
    roundName: string | null;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<Settings>) => setSettings((current) => ({ ...current, ...patch }));

  const windowSize = Number(settings.windowSize);
  const seed = Number(settings.seed);
  const round = rounds.find((entry) => entry.id === settings.roundId) ?? null;
  const byHand = round === null;
  const problems = [
    byHand && settings.documentIds.length === 0 && 'Choose at least one transcript.',
    byHand && codersWithCodings.length > 0 && settings.coderIds.length < 2 && 'Choose at least two coders.',
    byHand &&
      settings.unit === 'window' && !(Number.isInteger(windowSize) && windowSize >= 10) && 'The window needs a whole number of at least 10 characters.',
    settings.intervals && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31) && 'The seed must be a whole number from 0 to 2147483647.',
  ].filter((problem): problem is string => typeof problem === 'string');

  const compute = async (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    const query: AgreementQuery = round
      ? {
          roundId: round.id,
          unit: { kind: 'turn' },
          groupBy: settings.groupBy || undefined,
          bootstrap: settings.intervals ? { draws: bootstrapDraws, seed } : undefined,
        }
      : {
          unit: settings.unit === 'window' ? { kind: 'window', size: windowSize } : { kind: settings.unit },
      // Lists are sent only when narrowed, so "all" keeps the server's own defaults (every coder with codings in the chosen transcripts).
      documentIds: settings.documentIds.length === documents.length ? undefined : settings.documentIds,
      coderIds: settings.coderIds.length === codersWithCodings.length ? undefined : settings.coderIds,
      groupBy: settings.groupBy || undefined,
      bootstrap: settings.intervals ? { draws: bootstrapDraws, seed } : undefined,
    };
    setBusy(true);
    setError(null);
    try {
      setResult({ report: await api.agreement(project.id, query), settings,
        roundName: round?.name ?? null,
      });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const stale = result !== null && JSON.stringify(result.settings) !== JSON.stringify(settings);
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((item) => item !== id));

  return (
    <>
      <form className="card agreement-controls" onSubmit={compute} aria-labelledby="agreement-controls-title">
        <h2 id="agreement-controls-title">Compare coders</h2>
        {(rounds.length > 0 || roundsOnly) && (
          <div className="agreement-round-choice">
            <label className="field">
              <span>Calibration round</span>
              <select value={settings.roundId} onChange={(e) => update({ roundId: e.target.value })}>
                {!roundsOnly && <option value="">None: choose transcripts and coders below</option>}
                {rounds.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.name} ({entry.status === 'open' ? `open, ${entry.submitted} of ${entry.coderIds.length} submitted` : 'closed'})
                  </option>
                ))}
              </select>
            </label>
            {round && (
              <p className="hint" data-testid="agreement-round-scope">
                {round.documentIds.length} transcript
                {round.documentIds.length === 1 ? '' : 's'}, {round.coderIds.length} coders,{' '}
                {round.codeIds === null ? 'every code' : `${round.codeIds.length} code${round.codeIds.length === 1 ? '' : 's'}`}, by{' '}
                {roundUnitLabel(round.unit)}; target α ≥ {round.targetAlpha.toFixed(3).replace(/^0/, '')}.{' '}
                {round.status === 'open'
                  ? 'The round is open: these are the live layers and may still change.'
                  : 'The round is closed: its numbers come from the layers as they were when it closed.'}
              </p>
            )}
          </div>
        )}
        <div className="agreement-control-grid">
          <div className="agreement-control" hidden={!byHand}>
            <label className="field">
              <span>Unit of analysis</span>
              <select value={settings.unit} onChange={(e) => update({ unit: e.target.value as UnitSpec['kind'] })}>
                {unitOptions.map((option) => (
                  <option key={option.kind} value={option.kind}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
            {settings.unit === 'window' && (
              <label className="field">
                <span>Window size (characters)</span>
                <input type="number" min={10} step={10} value={settings.windowSize} onChange={(e) => update({ windowSize: e.target.value })} />
              </label>
            )}
            <p className="hint">A coder applied a code to a unit when one of their codings overlaps it.</p>
          </div>

          <fieldset className="agreement-control agreement-choices" hidden={!byHand}>
            <legend>Transcripts</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={settings.documentIds.length === documents.length}
                onChange={(e) => update({ documentIds: e.target.checked ? documents.map((d) => d.id) : [] })}
              />
              <span>All transcripts ({documents.length})</span>
            </label>
            <ul className="agreement-choice-list">
              {documents.map((document) => (
                <ChoiceItem
                  key={document.id}
                  label={document.title}
                  checked={settings.documentIds.includes(document.id)}
                  onChange={(checked) => update({ documentIds: toggle(settings.documentIds, document.id, checked) })}
                />
              ))}
            </ul>
          </fieldset>

          <fieldset className="agreement-control agreement-choices" hidden={!byHand}>
            <legend>Coders</legend>
            {codersWithCodings.length === 0 ? (
              <p className="hint">Nobody has coded yet.</p>
            ) : (
              <ul className="agreement-choice-list">
                {codersWithCodings.map((coder) => (
                  <ChoiceItem
                    key={coder.userId}
                    label={coder.name || coder.email}
                    checked={settings.coderIds.includes(coder.userId)}
                    onChange={(checked) => update({ coderIds: toggle(settings.coderIds, coder.userId, checked) })}
                  />
                ))}
              </ul>
            )}
            <p className="hint">Everyone with codings is included unless you untick them.</p>
          </fieldset>

          <div className="agreement-control">
            <label className="field">
              <span>Group transcripts by</span>
              <select value={settings.groupBy} onChange={(e) => update({ groupBy: e.target.value })} disabled={attributes.length === 0}>
                {attributes.length === 0 && <option value="">No participant attributes</option>}
                {attributes.map((attribute) => (
                  <option key={attribute} value={attribute}>
                    {attribute === 'role' ? 'Participant role' : attribute}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Confidence intervals</span>
              <select value={settings.intervals ? 'bootstrap' : 'off'} onChange={(e) => update({ intervals: e.target.value === 'bootstrap' })}>
                <option value="off">Off</option>
                <option value="bootstrap">95% bootstrap, {bootstrapDraws.toLocaleString('en')} draws</option>
              </select>
            </label>
            {settings.intervals && (
              <label className="field">
                <span>Random seed</span>
                <input type="number" min={0} step={1} value={settings.seed} onChange={(e) => update({ seed: e.target.value })} />
                <small className="hint">The same seed gives the same intervals, so a reviewer can reproduce them.</small>
              </label>
            )}
          </div>
        </div>

        <div className="agreement-compute">
          <button type="submit" className="button primary" disabled={busy || problems.length > 0} aria-describedby="agreement-compute-status">
            {busy ? 'Computing…' : result ? 'Compute again' : 'Compute agreement'}
          </button>
          <div id="agreement-compute-status" className="agreement-compute-status" role="status">
            {busy ? (
              <>
                <progress className="agreement-progress" aria-label="Computing agreement" />
                <span>
                  Computing agreement{settings.intervals ? ` with ${bootstrapDraws.toLocaleString('en')} bootstrap draws` : ''}…
                </span>
              </>
            ) : problems.length > 0 ? (
              <span className="form-error">{problems.join(' ')}</span>
            ) : stale ? (
              <span className="agreement-stale">
                <span aria-hidden="true">↻ </span>The settings have changed since this report was computed.
              </span>
            ) : null}
          </div>
        </div>
        {error && (
          <p className="banner banner-error agreement-error" role="alert">
            {error}
          </p>
        )}
      </form>

      {result ? (
        <div aria-busy={busy} className={busy ? 'agreement-results-busy' : undefined}>
          <AgreementReportView report={result.report} codes={codes} projectName={project.name} roundName={result.roundName} />
        </div>
      ) : (
        !busy && (
          <div className="empty-state small agreement-empty">
            <p>Choose what to compare and press <strong>Compute agreement</strong>. The report gives Krippendorff’s α with a verdict per code, the coder pairs, transcripts and groups, notes on what may mislead, and a methods paragraph.</p>
          </div>
        )
      )}
    </>
  );
}

/** One transcript or coder in the by-hand choice lists. */
function ChoiceItem({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <li>
      <label className="check">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        <span className="agreement-choice-label">{label}</span>
      </label>
    </li>
  );
}
