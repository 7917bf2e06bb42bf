/**
 * Importing transcripts from files (docs/api.md "Transcript import"): drop several files, preview
 * how one is split into speaker turns and pick the speaker pattern, add an attribute sheet and the
 * pseudonym list, then import. Each file goes up on its own, so each has its own progress line
 * and its own outcome (a refused file leaves nothing; the others go on).
 */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import type { DocumentPreview, ImportedDocument } from '../../../../shared/api/responses';
import { api } from '../../api';
import { failureText } from '../../ui/feedback';
import { formatBytes } from '../../ui/UploadProgress';

const acceptedExtensions = ['.txt', '.md', '.docx', '.vtt', '.srt'];

type PatternChoice = 'auto' | 'label-colon' | 'timestamp-label' | 'none' | 'speakers';

const patternLabels: Record<PatternChoice, string> = {
  auto: 'Detect automatically',
  'label-colon': 'Label and colon (“Interviewer: …”)',
  'timestamp-label': 'Timestamp, then label (“[00:01:02] P3: …”)',
  none: 'No speakers (one turn per paragraph)',
  speakers: 'These speaker names only…',
};

type FileStatus =
  | { kind: 'waiting' }
  | { kind: 'sending'; sentBytes: number; totalBytes: number }
  | { kind: 'imported'; document: ImportedDocument }
  | { kind: 'refused'; message: string };

interface QueuedFile {
  key: string;
  file: File;
  status: FileStatus;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

/** The form field the server reads: a named pattern, or JSON naming the speakers. */
function speakerPatternField(choice: PatternChoice, speakerNames: string): string {
  if (choice !== 'speakers') return choice;
  const speakers = speakerNames
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return JSON.stringify({ speakers });
}

function describePattern(pattern: DocumentPreview['speakerPattern']): string {
  if (typeof pattern !== 'string') return `the speakers ${pattern.speakers.join(', ')}`;
  const label = patternLabels[pattern as PatternChoice] ?? pattern;
  return label.charAt(0).toLowerCase() + label.slice(1);
}

export function TranscriptImport({ projectId, onImported, onClose }: { projectId: string; onImported: () => void; onClose: () => void }) {
  const [queue, setQueue] = useState<QueuedFile[]>([]);
  const [dragging, setDragging] = useState(false);
  const [pattern, setPattern] = useState<PatternChoice>('auto');
  const [speakerNames, setSpeakerNames] = useState('');
  const [attributes, setAttributes] = useState<File | null>(null);
  const [previewKey, setPreviewKey] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const keyCounter = useRef(0);

  const addFiles = (files: Iterable<File>) => {
    setProblem(null);
    const added: QueuedFile[] = [];
    const refused: string[] = [];
    for (const file of files) {
      if (!acceptedExtensions.includes(extensionOf(file.name))) refused.push(file.name);
      else {
        keyCounter.current += 1;
        added.push({ key: String(keyCounter.current), file, status: { kind: 'waiting' } });
      }
    }
    if (refused.length > 0) setProblem(`Not a transcript file (${acceptedExtensions.join(', ')}): ${refused.join(', ')}`);
    setQueue((current) => [...current.filter((item) => item.status.kind !== 'imported'), ...added]);
    if (added.length > 0 && previewKey === null) setPreviewKey(added[0].key);
  };

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  const update = (key: string, status: FileStatus) => setQueue((current) => current.map((item) => (item.key === key ? { ...item, status } : item)));

  const importAll = async () => {
    setRunning(true);
    setProblem(null);
    const speakerPattern = speakerPatternField(pattern, speakerNames);
    let imported = 0;
    for (const item of queue) {
      if (item.status.kind === 'imported') continue;
      update(item.key, { kind: 'sending', sentBytes: 0, totalBytes: item.file.size });
      try {
        const [result] = await api.importDocuments(projectId, { files: [item.file], attributes: attributes ?? undefined, speakerPattern }, (sentBytes, totalBytes) =>
          update(item.key, { kind: 'sending', sentBytes, totalBytes }),
        );
        if (!result) update(item.key, { kind: 'refused', message: 'the server answered without a result for this file' });
        else if (result.ok) {
          imported += 1;
          update(item.key, { kind: 'imported', document: result.document });
        } else update(item.key, { kind: 'refused', message: result.error.message });
      } catch (caught) {
        update(item.key, { kind: 'refused', message: failureText(caught) });
      }
    }
    setRunning(false);
    if (imported > 0) onImported();
  };

  const previewItem = queue.find((item) => item.key === previewKey) ?? null;
  const pending = queue.filter((item) => item.status.kind !== 'imported').length;

  return (
    <section className="card import-dialog" aria-labelledby="transcript-import-title">
      <div className="section-head">
        <h2 id="transcript-import-title">Import transcripts</h2>
        <button type="button" className="button ghost small" onClick={onClose}>
          Close
        </button>
      </div>
      <section
        aria-label="Drop transcript files here"
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        data-testid="transcript-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>
          <strong>Drop transcript files here</strong> — .txt, .md, .docx, .vtt or .srt; several at once.
        </p>
        <p>
          or{' '}
          <button type="button" className="button small" onClick={() => picker.current?.click()}>
            Choose files…
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            accept={acceptedExtensions.join(',')}
            className="visually-hidden"
            aria-label="Transcript files"
            onChange={(event) => {
              addFiles(event.target.files ?? []);
              event.target.value = '';
            }}
          />
        </p>
      </section>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      {queue.length > 0 && (
        <ul className="import-queue" aria-label="Files to import">
          {queue.map((item) => (
            <li key={item.key} className={`import-file import-file-${item.status.kind}`} data-testid="import-file">
              <span className="import-file-name">{item.file.name}</span>
              <span className="muted small">{formatBytes(item.file.size)}</span>
              <FileStatusLine status={item.status} />
              {item.status.kind !== 'imported' && (
                <span className="import-file-actions">
                  <button type="button" className="button ghost small" onClick={() => setPreviewKey(item.key)} aria-pressed={previewKey === item.key} disabled={running}>
                    Preview
                  </button>
                  <button
                    type="button"
                    className="button ghost small"
                    aria-label={`Remove ${item.file.name}`}
                    disabled={running}
                    onClick={() => setQueue((current) => current.filter((other) => other.key !== item.key))}
                  >
                    Remove
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="import-options">
        <div>
          <label className="field">
            <span>Speaker turns</span>
            <select value={pattern} onChange={(event) => setPattern(event.target.value as PatternChoice)} disabled={running}>
              {(Object.keys(patternLabels) as PatternChoice[]).map((choice) => (
                <option key={choice} value={choice}>
                  {patternLabels[choice]}
                </option>
              ))}
            </select>
          </label>
          {pattern === 'speakers' && (
            <label className="field">
              <span>Speaker names, separated by commas</span>
              <input value={speakerNames} onChange={(event) => setSpeakerNames(event.target.value)} placeholder="Interviewer, P3" disabled={running} />
            </label>
          )}
          <label className="field">
            <span>Attribute sheet (optional CSV)</span>
            <input type="file" accept=".csv,text/csv" onChange={(event) => setAttributes(event.target.files?.[0] ?? null)} disabled={running} />
            <small className="hint">First column: the transcript’s title (its file name without the extension); then one column per attribute, e.g. role, site.</small>
          </label>
          <PseudonymEditor projectId={projectId} disabled={running} />
        </div>
        <div>
          {previewItem ? (
            <PreviewPanel projectId={projectId} file={previewItem.file} speakerPattern={speakerPatternField(pattern, speakerNames)} />
          ) : (
            <p className="muted">Add a file to preview how it is split into speaker turns.</p>
          )}
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="button primary" disabled={running || pending === 0} onClick={() => void importAll()}>
          {running ? 'Importing…' : pending === 0 ? (queue.length > 0 ? 'All imported' : 'Import') : pending === 1 ? 'Import 1 file' : `Import ${pending} files`}
        </button>
      </div>
    </section>
  );
}

function FileStatusLine({ status }: { status: FileStatus }) {
  switch (status.kind) {
    case 'waiting':
      return <span className="import-file-status muted">Ready</span>;
    case 'sending': {
      const sent = status.totalBytes > 0 && status.sentBytes >= status.totalBytes;
      return (
        <span className="import-file-status" aria-busy="true">
          <progress max={100} value={sent ? undefined : Math.round((status.sentBytes / Math.max(1, status.totalBytes)) * 100)} aria-label="Upload" />{' '}
          {sent ? 'Reading…' : 'Sending…'}
        </span>
      );
    }
    case 'imported': {
      const { document } = status;
      return (
        <span className="import-file-status import-ok" role="status">
          Imported as “{document.title}”: {document.turns} {document.turns === 1 ? 'turn' : 'turns'}, {document.length.toLocaleString()} characters
          {document.pseudonymsReplaced > 0 && `, ${document.pseudonymsReplaced} names replaced`}
          {document.warnings.length > 0 && <span className="import-warnings"> — {document.warnings.join('; ')}</span>}
        </span>
      );
    }
    case 'refused':
      return (
        <span className="import-file-status form-error" role="alert">
          Not imported: {status.message}
        </span>
      );
  }
}

/** What the server would make of one file with the chosen pattern; nothing is written. */
function PreviewPanel({ projectId, file, speakerPattern }: { projectId: string; file: File; speakerPattern: string }) {
  const [preview, setPreview] = useState<DocumentPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    setPreview(null);
    api.previewDocument(projectId, file, speakerPattern).then(
      (result) => !cancelled && setPreview(result),
      (caught: unknown) => !cancelled && setError(failureText(caught)),
    );
    return () => {
      cancelled = true;
    };
  }, [projectId, file, speakerPattern]);

  return (
    <div className="import-preview" aria-live="polite" data-testid="import-preview">
      <h3>Preview: {file.name}</h3>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!error && !preview && <p className="muted">Reading…</p>}
      {preview && (
        <>
          <p>
            {preview.turns.length} {preview.turns.length === 1 ? 'turn' : 'turns'} by {describePattern(preview.speakerPattern)},{' '}
            {preview.characters.toLocaleString()} characters.
          </p>
          {preview.speakers.length > 0 && (
            <p className="attribute-list">
              {preview.speakers.map((speaker) => (
                <span key={speaker.speaker} className="attribute">
                  {speaker.speaker || 'no speaker'}: {speaker.turns}
                </span>
              ))}
            </p>
          )}
          {preview.warnings.map((warning) => (
            <p key={warning} className="hint import-warnings">
              {warning}
            </p>
          ))}
          <ol className="preview-turns">
            {preview.turns.slice(0, 6).map((turn, index) => (
              // Turns have no id before they are imported; the list is rebuilt, never reordered.
              <li key={`${index}:${turn.speaker}`}>
                {turn.timestamp && <span className="muted">[{turn.timestamp}] </span>}
                {turn.speaker && <strong>{turn.speaker}: </strong>}
                {turn.text.length > 180 ? `${turn.text.slice(0, 180)}…` : turn.text}
              </li>
            ))}
          </ol>
          {preview.turns.length > 6 && <p className="hint">…and {preview.turns.length - 6} more.</p>}
        </>
      )}
    </div>
  );
}

/** The project's pseudonym list (owners only): real names and the labels that replace them in every later import. */
function PseudonymEditor({ projectId, disabled }: { projectId: string; disabled: boolean }) {
  const [rows, setRows] = useState<{ original: string; replacement: string }[] | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open || rows !== null) return;
    api.pseudonyms(projectId).then(
      (stored) => setRows(stored.mapping),
      (caught: unknown) => setMessage({ tone: 'error', text: failureText(caught) }),
    );
  }, [open, rows, projectId]);

  const save = async () => {
    if (!rows) return;
    setMessage(null);
    try {
      const saved = await api.putPseudonyms(projectId, { mapping: rows.filter((row) => row.original.trim() || row.replacement.trim()) });
      setRows(saved.mapping);
      setMessage({ tone: 'ok', text: `Saved: ${saved.mapping.length} ${saved.mapping.length === 1 ? 'name' : 'names'} will be replaced in every import from now on.` });
    } catch (caught) {
      setMessage({ tone: 'error', text: failureText(caught) });
    }
  };
  const edit = (index: number, field: 'original' | 'replacement', value: string) =>
    setRows((current) => current?.map((row, at) => (at === index ? { ...row, [field]: value } : row)) ?? null);

  return (
    <details className="pseudonyms" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Pseudonyms (names replaced on import)</summary>
      <p className="hint">
        The real names are seen only by owners and kept apart from the transcripts. They are replaced in the text and the speaker labels of
        every transcript imported from now on.
      </p>
      {rows === null && !message && <p className="muted">Loading…</p>}
      {rows && (
        <>
          <table className="pseudonym-table">
            <thead>
              <tr>
                <th scope="col" className="pseudonym-heading">Name in the transcript</th>
                <th scope="col" className="pseudonym-heading">Replaced by</th>
                <th scope="col" className="pseudonym-heading">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                // Rows are edited in place and have no id before they are saved: their position is their identity.
                <tr key={index}>
                  <td className="pseudonym-cell">
                    <input className="pseudonym-input" aria-label={`Name ${index + 1}`} value={row.original} onChange={(event) => edit(index, 'original', event.target.value)} disabled={disabled} />
                  </td>
                  <td className="pseudonym-cell">
                    <input className="pseudonym-input" aria-label={`Replacement ${index + 1}`} value={row.replacement} onChange={(event) => edit(index, 'replacement', event.target.value)} disabled={disabled} />
                  </td>
                  <td className="pseudonym-cell">
                    <button
                      type="button"
                      className="button ghost small"
                      aria-label={`Remove ${row.original || `row ${index + 1}`}`}
                      onClick={() => setRows(rows.filter((_, at) => at !== index))}
                      disabled={disabled}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="form-actions start">
            <button type="button" className="button small" onClick={() => setRows([...rows, { original: '', replacement: '' }])} disabled={disabled}>
              Add a name
            </button>
            <button type="button" className="button small primary" onClick={() => void save()} disabled={disabled}>
              Save list
            </button>
          </div>
        </>
      )}
      {message && (
        <p className={message.tone === 'ok' ? 'form-ok' : 'form-error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </details>
  );
}
