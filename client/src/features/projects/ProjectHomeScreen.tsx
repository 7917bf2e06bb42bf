import { type FormEvent, useState } from 'react';
import type { DocumentSummary, Member, ProgressRow } from '../../../../shared/api/responses';
import { decide } from '../../../../shared/authz';
import { consensusLayerId, isConsensusLayer } from '../../../../shared/collab/layers';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { Link, navigate, paths } from '../../router';
import { useSession } from '../../session';
import { Avatar, LoadError, ProjectHeader } from '../../ui/parts';
import { DeletionDialog } from './DeletionDialog';
import { ExportMenu } from './ExportMenu';
import { TranscriptImport } from './TranscriptImport';

/** Attributes shown as their own columns; any others are listed together. */
const mainAttributes = ['role', 'site'];

export function ProjectHomeScreen({ projectId }: { projectId: string }) {
  const { user } = useSession();
  const data = useAsync(async () => {
    const [project, documents, members, progress] = await Promise.all([
      api.project(projectId),
      api.documents(projectId),
      api.members(projectId),
      api.progress(projectId).catch(() => [] as ProgressRow[]),
    ]);
    return { project, documents, members: members.members, progress };
  }, [projectId]);
  const [importing, setImporting] = useState(false);
  const [pasting, setPasting] = useState(false);
  const [deleting, setDeleting] = useState<DocumentSummary | null>(null);
  const [deleted, setDeleted] = useState<string | null>(null);

  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Loading project…</main>;
  const { project, documents, members, progress } = data.data;
  const canImport = decide({ role: project.role, resource: 'transcript', operation: 'write', blind: project.blind }).allowed;
  // In blind mode a coder or viewer gets only their own rows (SPEC A3): show only them, and say why.
  const ownRowsOnly = !decide({ role: project.role, resource: 'other-layer', operation: 'read', blind: project.blind }).allowed;
  const coders = ownRowsOnly ? members.filter((member) => member.userId === user.id) : members.filter((member) => member.role !== 'viewer');
  const showConsensus = decide({ role: project.role, resource: 'consensus', operation: 'read', blind: project.blind }).allowed;
  const canDelete = decide({ role: project.role, resource: 'transcript', operation: 'delete', blind: project.blind }).allowed;

  return (
    <main className="page">
      <ProjectHeader
        project={project}
        tab="transcripts"
        actions={
          <div className="header-actions">
            <ExportMenu project={project} />
            {canImport && (
              <button type="button" className="button primary" onClick={() => setImporting((open) => !open)} aria-expanded={importing}>
                {importing ? 'Close import' : 'Import transcript'}
              </button>
            )}
          </div>
        }
      />
      {importing && (
        <>
          <TranscriptImport projectId={projectId} onImported={data.reload} onClose={() => setImporting(false)} />
          {pasting ? (
            <ImportForm
              projectId={projectId}
              onImported={(document) => navigate(paths.coding(projectId, document.id))}
              onCancel={() => setPasting(false)}
            />
          ) : (
            <p className="paste-switch">
              <button type="button" className="button ghost small" onClick={() => setPasting(true)}>
                Or paste a transcript’s text
              </button>
            </p>
          )}
        </>
      )}
      {deleted && (
        <p className="banner banner-info" role="status">
          “{deleted}” was deleted with every coding of it.
        </p>
      )}
      {ownRowsOnly && documents.length > 0 && (
        <p className="banner banner-info" data-testid="blind-progress-note">
          Blind mode is on: you see your own codings only. Your colleagues’ progress stays hidden until an owner turns blind mode off.
        </p>
      )}
      {documents.length === 0 ? (
        <div className="empty-state">
          <h2>No transcripts yet</h2>
          <p>{canImport ? 'Import a transcript to start coding.' : 'The project owner has not imported any transcripts yet.'}</p>
        </div>
      ) : (
        <TranscriptTable
          projectId={projectId}
          documents={documents}
          coders={coders}
          progress={progress}
          me={user.id}
          ownRowsOnly={ownRowsOnly}
          showConsensus={showConsensus}
          onDelete={canDelete ? setDeleting : undefined}
        />
      )}
      {deleting && (
        <DeletionDialog
          title={`Delete “${deleting.title}”?`}
          confirmLabel="Delete transcript"
          onDelete={async () => {
            await api.deleteDocument(projectId, deleting.id);
            setDeleting(null);
            setDeleted(deleting.title);
            data.reload();
          }}
          onClose={() => setDeleting(null)}
        >
          <TranscriptErasure document={deleting} progress={progress} />
        </DeletionDialog>
      )}
    </main>
  );
}

/** What deleting a transcript erases, with the counts of what is coded in it (owners see every layer). */
function TranscriptErasure({ document, progress }: { document: DocumentSummary; progress: ProgressRow[] }) {
  const rows = progress.filter((row) => row.documentId === document.id && row.codings > 0);
  const coderRows = rows.filter((row) => !isConsensusLayer(row.coderId));
  const coderCodings = coderRows.reduce((sum, row) => sum + row.codings, 0);
  const consensusCodings = rows.filter((row) => isConsensusLayer(row.coderId)).reduce((sum, row) => sum + row.codings, 0);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return (
    <>
      <p>Deleting this transcript erases, for everyone and from the server’s storage:</p>
      <ul>
        <li>its text and participant attributes;</li>
        <li>
          {`every coder’s codings of it${coderCodings > 0 ? ` (${plural(coderCodings, 'coding')} by ${plural(coderRows.length, 'coder')})` : ' (none yet)'};`}
        </li>
        <li>
          its consensus codings{consensusCodings > 0 ? ` (${consensusCodings})` : ''} and the reconciliation decisions on it, with their
          rationales;
        </li>
        <li>the copies closed calibration rounds kept of it; those rounds keep their other transcripts.</li>
      </ul>
      <p>Anyone who has it open is disconnected. Use this when a participant withdraws consent.</p>
    </>
  );
}

function TranscriptTable({
  projectId,
  documents,
  coders,
  progress,
  me,
  ownRowsOnly,
  showConsensus,
  onDelete,
}: {
  projectId: string;
  documents: DocumentSummary[];
  coders: Member[];
  progress: ProgressRow[];
  me: string;
  ownRowsOnly: boolean;
  showConsensus: boolean;
  /** Owners only: asks to delete a transcript. */
  onDelete?: (document: DocumentSummary) => void;
}) {
  const count = (documentId: string, coderId: string) =>
    progress.find((row) => row.documentId === documentId && row.coderId === coderId)?.codings ?? 0;
  const maxCount = Math.max(1, ...progress.filter((row) => !isConsensusLayer(row.coderId)).map((row) => row.codings));
  return (
    <div className="table-wrap card">
      <table className="data-table">
        <caption className="visually-hidden">Transcripts with participant attributes and codings per coder</caption>
        <thead>
          <tr>
            <th scope="col">Transcript</th>
            <th scope="col">Participant role</th>
            <th scope="col">Site</th>
            <th scope="col">
              {ownRowsOnly ? 'Your codings' : 'Codings per coder'} <span className="muted">(counts only)</span>
            </th>
            {onDelete && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {documents.map((document) => {
            const otherAttributes = Object.entries(document.attributes).filter(([key]) => !mainAttributes.includes(key));
            return (
              <tr key={document.id}>
                <td>
                  <Link href={paths.coding(projectId, document.id)} className="document-link">
                    {document.title}
                  </Link>
                  {otherAttributes.length > 0 && (
                    <div className="attribute-list">
                      {otherAttributes.map(([key, value]) => (
                        <span key={key} className="attribute">
                          {key}: {value}
                        </span>
                      ))}
                    </div>
                  )}
                </td>
                <td>{document.attributes.role ?? <span className="muted">—</span>}</td>
                <td>{document.attributes.site ?? <span className="muted">—</span>}</td>
                <td>
                  <ul className="progress-list" aria-label={`Codings in ${document.title}`}>
                    {coders.map((coder) => {
                      const codings = count(document.id, coder.userId);
                      return (
                        <li key={coder.userId} className="progress-row">
                          <Avatar userId={coder.userId} name={coder.name} size="small" />
                          <span className="progress-name">{coder.userId === me ? 'You' : coder.name}</span>
                          <span className="progress-bar" aria-hidden="true">
                            <span style={{ width: `${(codings / maxCount) * 100}%` }} />
                          </span>
                          <span className="progress-count">{codings}</span>
                        </li>
                      );
                    })}
                    {showConsensus && (
                      <li className="progress-row consensus">
                        <span className="avatar avatar-small consensus-avatar" aria-hidden="true">
                          ✓
                        </span>
                        <span className="progress-name">Consensus</span>
                        <span className="progress-bar" aria-hidden="true">
                          <span style={{ width: `${(count(document.id, consensusLayerId) / maxCount) * 100}%` }} />
                        </span>
                        <span className="progress-count">{count(document.id, consensusLayerId)}</span>
                      </li>
                    )}
                  </ul>
                </td>
                {onDelete && (
                  <td className="actions-cell">
                    <button
                      type="button"
                      className="button ghost small danger"
                      aria-label={`Delete transcript “${document.title}”…`}
                      onClick={() => onDelete(document)}
                    >
                      Delete transcript…
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ImportForm({
  projectId,
  onImported,
  onCancel,
}: {
  projectId: string;
  onImported: (document: DocumentSummary) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState('');
  const [role, setRole] = useState('');
  const [site, setSite] = useState('');
  const [participant, setParticipant] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const attributes = Object.fromEntries(
      Object.entries({ role, site, participant }).filter(([, value]) => value.trim().length > 0).map(([k, v]) => [k, v.trim()]),
    );
    try {
      onImported(await api.createDocument(projectId, { title, text, attributes }));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card import-form" onSubmit={submit} aria-labelledby="import-title">
      <h2 id="import-title">Import a transcript</h2>
      <div className="field-row">
        <label className="field grow">
          <span>Title</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} required placeholder="Interview 04: Practice manager" />
        </label>
        <label className="field">
          <span>Participant role</span>
          <input value={role} onChange={(e) => setRole(e.target.value)} placeholder="GP, nurse, manager…" />
        </label>
        <label className="field">
          <span>Site</span>
          <input value={site} onChange={(e) => setSite(e.target.value)} placeholder="North locality" />
        </label>
        <label className="field small">
          <span>Participant</span>
          <input value={participant} onChange={(e) => setParticipant(e.target.value)} placeholder="P4" />
        </label>
      </div>
      <label className="field">
        <span>Transcript text</span>
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          required
          rows={10}
          placeholder={'Interviewer: Could you describe your role?\nP4: I manage a practice of nine GPs…\n[00:02:10] Interviewer: …'}
        />
        <small className="hint">
          One speaker turn per line, starting with the speaker’s label and a colon; an optional [hh:mm:ss] timestamp may come first.
          Lines without a label continue the previous turn.
        </small>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import transcript'}
        </button>
      </div>
    </form>
  );
}
