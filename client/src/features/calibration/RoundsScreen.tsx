/**
 * Calibration rounds: an owner names transcripts, coders, codes in scope and a unit with an
 * agreement target; coders code blind and mark the round submitted; the owner sees "2 of 3
 * submitted", closes the round (freezing its layers) and may reveal the coders' layers to each
 * other. Below, the round history: agreement per code across rounds with the codebook version each
 * round used and what changed in the codebook in between.
 */
import { type FormEvent, useMemo, useState } from 'react';
import type { Member, Project } from '../../../../shared/api/responses';
import { defaultTargetAlpha, type RoundUnit, type RoundView, roundUnitKinds } from '../../../../shared/api/rounds';
import type { Code } from '../../../../shared/collab/schema';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { Link, paths } from '../../router';
import { type Feedback, FeedbackLine, failureFeedback } from '../../ui/feedback';
import { LoadError, ProjectHeader } from '../../ui/parts';
import { AgreementSections } from '../agreement/AgreementSections';
import { roundUnitLabel } from '../agreement/reading';
import { RoundHistoryView } from './RoundHistoryView';

export function RoundsScreen({ projectId }: { projectId: string }) {
  const data = useAsync(async () => {
    const [project, rounds, members, documents, codes] = await Promise.all([
      api.project(projectId),
      api.rounds(projectId),
      api.members(projectId),
      api.documents(projectId),
      api.codes(projectId),
    ]);
    return { project, rounds, members: members.members, documents, codes };
  }, [projectId]);
  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Loading calibration rounds…</main>;
  const { project, rounds, members, documents, codes } = data.data;
  const owner = project.role === 'owner';
  return (
    <main className="page agreement-page rounds-page">
      <ProjectHeader project={project} tab="agreement" />
      <AgreementSections projectId={projectId} current="rounds" />
      {owner && <CreateRound project={project} members={members} documents={documents} codes={codes} onCreated={data.reload} />}
      <section className="agreement-section" aria-labelledby="rounds-title">
        <h2 id="rounds-title">Rounds</h2>
        {rounds.length === 0 ? (
          <p className="empty-state small">
            {owner ? 'No calibration round yet: create one above.' : 'No calibration round includes you yet.'}
          </p>
        ) : (
          <ul className="round-list">
            {[...rounds].reverse().map((round) => (
              <RoundCard key={round.id} project={project} round={round} members={members} documents={documents} onChanged={data.reload} />
            ))}
          </ul>
        )}
      </section>
      {rounds.length > 0 && (
        // Computed again whenever a round opens, closes, is revealed or gets a submission.
        <RoundHistoryView key={rounds.map((round) => `${round.id}:${round.status}:${round.revealed}:${round.submitted}`).join()} project={project} codes={codes} />
      )}
    </main>
  );
}

const unitChoices: { kind: RoundUnit['kind']; label: string }[] = roundUnitKinds.map((kind) => ({
  kind,
  label: kind === 'continuum' ? 'Codings’ own boundaries (unitized (k)uα)' : kind === 'window' ? 'Window of N characters' : roundUnitLabel({ kind } as RoundUnit),
}));

function CreateRound({
  project,
  members,
  documents,
  codes,
  onCreated,
}: {
  project: Project;
  members: Member[];
  documents: { id: string; title: string }[];
  codes: Code[];
  onCreated: () => void;
}) {
  const coders = useMemo(() => members.filter((member) => member.role !== 'viewer'), [members]);
  const activeCodes = useMemo(() => codes.filter((code) => !code.archived), [codes]);
  const [name, setName] = useState('');
  const [documentIds, setDocumentIds] = useState<string[]>([]);
  const [coderIds, setCoderIds] = useState<string[]>([]);
  const [allCodes, setAllCodes] = useState(true);
  const [codeIds, setCodeIds] = useState<string[]>([]);
  const [unit, setUnit] = useState<RoundUnit['kind']>('turn');
  const [windowSize, setWindowSize] = useState('500');
  const [target, setTarget] = useState(defaultTargetAlpha.toFixed(3));
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((item) => item !== id));
  const targetValue = Number(target);
  const problems = [
    name.trim() === '' && 'Name the round.',
    documentIds.length === 0 && 'Choose at least one transcript.',
    coderIds.length < 2 && 'Choose at least two coders.',
    !allCodes && codeIds.length === 0 && 'Choose at least one code, or keep every code.',
    unit === 'window' && !(Number.isInteger(Number(windowSize)) && Number(windowSize) >= 10) && 'The window needs a whole number of at least 10 characters.',
    !(target.trim() !== '' && targetValue >= 0 && targetValue <= 1) && 'The target α is a number from 0 to 1.',
  ].filter((problem): problem is string => typeof problem === 'string');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    setBusy(true);
    setFeedback(null);
    try {
      const round = await api.createRound(project.id, {
        name: name.trim(),
        documentIds,
        coderIds,
        codeIds: allCodes ? undefined : codeIds,
        unit: unit === 'window' ? { kind: 'window', size: Number(windowSize) } : { kind: unit },
        targetAlpha: targetValue,
      });
      setFeedback({ tone: 'ok', text: `Round “${round.name}” is open: its coders can code blind now.` });
      setName('');
      onCreated();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="card round-create" open={false}>
      <summary>
        <h2>New calibration round</h2>
      </summary>
      <form onSubmit={submit} aria-label="New calibration round">
        <div className="agreement-control-grid">
          <div className="agreement-control">
            <label className="field">
              <span>Round name</span>
              <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="e.g. Pilot, interviews 1–3" />
            </label>
            <label className="field">
              <span>Unit of analysis</span>
              <select value={unit} onChange={(e) => setUnit(e.target.value as RoundUnit['kind'])}>
                {unitChoices.map((choice) => (
                  <option key={choice.kind} value={choice.kind}>
                    {choice.label.charAt(0).toUpperCase() + choice.label.slice(1)}
                  </option>
                ))}
              </select>
            </label>
            {unit === 'window' && (
              <label className="field">
                <span>Window size (characters)</span>
                <input type="number" min={10} step={10} value={windowSize} onChange={(e) => setWindowSize(e.target.value)} />
              </label>
            )}
            <label className="field">
              <span>Agreement target (α at least)</span>
              <input type="number" min={0} max={1} step={0.001} value={target} onChange={(e) => setTarget(e.target.value)} />
              <small className="hint">.800 is Krippendorff’s threshold for reliable data; .667 allows tentative conclusions only.</small>
            </label>
          </div>
          <fieldset className="agreement-control agreement-choices">
            <legend>Transcripts</legend>
            <ul className="agreement-choice-list">
              {documents.map((document) => (
                <li key={document.id}>
                  <label className="check">
                    <input type="checkbox" checked={documentIds.includes(document.id)} onChange={(e) => setDocumentIds(toggle(documentIds, document.id, e.target.checked))} />
                    <span className="agreement-choice-label">{document.title}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <fieldset className="agreement-control agreement-choices">
            <legend>Coders</legend>
            <ul className="agreement-choice-list">
              {coders.map((coder) => (
                <li key={coder.userId}>
                  <label className="check">
                    <input type="checkbox" checked={coderIds.includes(coder.userId)} onChange={(e) => setCoderIds(toggle(coderIds, coder.userId, e.target.checked))} />
                    <span className="agreement-choice-label">{coder.name || coder.email}</span>
                  </label>
                </li>
              ))}
            </ul>
            <p className="hint">Each codes the round’s transcripts blind, in their own layer.</p>
          </fieldset>
          <fieldset className="agreement-control agreement-choices">
            <legend>Codes in scope</legend>
            <label className="check">
              <input type="checkbox" checked={allCodes} onChange={(e) => setAllCodes(e.target.checked)} />
              <span>Every code ({activeCodes.length})</span>
            </label>
            {!allCodes && (
              <ul className="agreement-choice-list">
                {activeCodes.map((code) => (
                  <li key={code.id}>
                    <label className="check">
                      <input type="checkbox" checked={codeIds.includes(code.id)} onChange={(e) => setCodeIds(toggle(codeIds, code.id, e.target.checked))} />
                      <span className="agreement-choice-label">{code.name}</span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
        </div>
        <div className="agreement-compute">
          <button type="submit" className="button primary" disabled={busy || problems.length > 0}>
            {busy ? 'Creating…' : 'Create round'}
          </button>
          <div role="status" className="agreement-compute-status">
            {problems.length > 0 ? <span className="form-error">{problems.join(' ')}</span> : <FeedbackLine feedback={feedback} />}
          </div>
        </div>
      </form>
    </details>
  );
}

function RoundCard({
  project,
  round,
  members,
  documents,
  onChanged,
}: {
  project: Project;
  round: RoundView;
  members: Member[];
  documents: { id: string; title: string }[];
  onChanged: () => void;
}) {
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [revealOnClose, setRevealOnClose] = useState(false);
  const [busy, setBusy] = useState(false);
  const owner = project.role === 'owner';
  const decides = owner || project.role === 'adjudicator';
  const nameOf = (userId: string) => {
    const member = members.find((entry) => entry.userId === userId);
    return member ? member.name || member.email : 'a former member';
  };
  const titleOf = (documentId: string) => documents.find((document) => document.id === documentId)?.title ?? 'a removed transcript';
  const open = round.status === 'open';
  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setFeedback(null);
    try {
      await action();
      setFeedback({ tone: 'ok', text: done });
      onChanged();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    } finally {
      setBusy(false);
    }
  };
  const headingId = `round-${round.id}`;
  return (
    <li className="card round-card" aria-labelledby={headingId} data-round-id={round.id}>
      <div className="round-card-head">
        <h3 id={headingId}>{round.name}</h3>
        <span className={`badge ${open ? 'badge-open' : 'badge-blind'}`}>{open ? 'Open' : round.revealed ? 'Closed, revealed' : 'Closed'}</span>
        <span className="round-submitted" data-testid="round-submitted">
          {round.submitted} of {round.coderIds.length} submitted
        </span>
      </div>
      <p className="round-scope">
        {round.documentIds.map(titleOf).join(', ')}
        {round.deletedTranscripts > 0 &&
          ` (and ${round.deletedTranscripts === 1 ? 'one transcript' : `${round.deletedTranscripts} transcripts`} since deleted: its numbers cover the rest)`}{' '}
        · by {roundUnitLabel(round.unit)} · {round.codeIds === null ? 'every code' : `${round.codeIds.length} codes`} · target α ≥{' '}
        {round.targetAlpha.toFixed(3).replace(/^0/, '')}
        {round.codebookVersionAtCreation !== null && ` · codebook version ${round.codebookVersionAtClose ?? round.codebookVersionAtCreation}`}
      </p>
      {round.submissions && (
        <ul className="round-coders" aria-label="Coders of this round">
          {round.submissions.map((submission) => (
            <li key={submission.userId}>
              <span aria-hidden="true">{submission.submittedAt ? '✓' : '…'}</span> {nameOf(submission.userId)}:{' '}
              {submission.submittedAt ? `submitted ${new Date(submission.submittedAt).toLocaleString()}` : 'still coding'}
            </li>
          ))}
        </ul>
      )}
      <div className="round-actions">
        {round.submittedByMe !== null && open && (
          <>
            <span className="round-transcripts">
              Code:{' '}
              {round.documentIds.map((documentId, index) => (
                <span key={documentId}>
                  {index > 0 && ', '}
                  <Link href={paths.coding(project.id, documentId)}>{titleOf(documentId)}</Link>
                </span>
              ))}
            </span>
            <button
              type="button"
              className={`button small ${round.submittedByMe ? '' : 'primary'}`}
              disabled={busy}
              onClick={() => run(() => api.submitRound(project.id, round.id, !round.submittedByMe), round.submittedByMe ? 'Your submission is taken back.' : 'Submitted. The owner sees that you are done.')}
            >
              {round.submittedByMe ? 'Take back my submission' : 'Mark my coding submitted'}
            </button>
          </>
        )}
        {owner && open && (
          <>
            <label className="check">
              <input type="checkbox" checked={revealOnClose} onChange={(e) => setRevealOnClose(e.target.checked)} />
              <span>Reveal the coders’ layers to each other</span>
            </label>
            <button
              type="button"
              className="button small primary"
              disabled={busy}
              onClick={() => {
                const waiting = round.coderIds.length - round.submitted;
                if (waiting > 0 && !window.confirm(`${waiting} coder${waiting === 1 ? ' has' : 's have'} not submitted. Close the round anyway? Its layers are frozen as they are now.`)) return;
                run(() => api.closeRound(project.id, round.id, revealOnClose), 'The round is closed: its numbers no longer change.');
              }}
            >
              Close round
            </button>
          </>
        )}
        {owner && !open && (
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => run(() => api.revealRound(project.id, round.id, !round.revealed), round.revealed ? 'The layers are hidden again.' : 'The coders can now see each other’s layers and this round’s agreement.')}
          >
            {round.revealed ? 'Hide the layers again' : 'Reveal the layers to the coders'}
          </button>
        )}
        {(decides || round.revealed) && (
          <Link className="button small" href={`${paths.agreement(project.id)}?round=${encodeURIComponent(round.id)}`}>
            Agreement of this round
          </Link>
        )}
        {decides && !open && (
          <Link className="button small" href={`${paths.reconcile(project.id, round.documentIds[0])}?round=${encodeURIComponent(round.id)}`}>
            Reconcile
          </Link>
        )}
        {!decides && !round.revealed && !open && <span className="hint">Its agreement is shown to you once the owner reveals the round.</span>}
      </div>
      <FeedbackLine feedback={feedback} />
    </li>
  );
}
