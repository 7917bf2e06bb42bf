/** Importing a whole project from a REFI-QDA `.qdpx` / `.qdc` or a cocode `.json` file, and what came of it. */
import { type FormEvent, useRef, useState } from 'react';
import type { ImportedProject } from '../../../../shared/api/responses';
import { api } from '../../api';
import { Link, paths } from '../../router';
import { failureText } from '../../ui/feedback';
import { type UploadState, UploadProgress } from '../../ui/UploadProgress';

const coderOrigins: Record<ImportedProject['report']['coders'][number]['as'], string> = {
  importer: 'you',
  member: 'an existing account, added as a coder',
  placeholder: 'an imported coder (cannot sign in)',
};

export function ProjectImport({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<UploadState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportedProject | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    setUpload({ sentBytes: 0, totalBytes: file.size });
    try {
      setResult(await api.importProject(file, (sentBytes, totalBytes) => setUpload({ sentBytes, totalBytes })));
      setFile(null);
      if (input.current) input.current.value = '';
      onImported();
    } catch (caught) {
      setError(`${file.name}: ${failureText(caught)}`);
    } finally {
      setUpload(null);
    }
  };

  return (
    <form className="card side-card" onSubmit={submit} aria-labelledby="project-import-title">
      <h2 id="project-import-title">Import a project</h2>
      <p className="hint">A REFI-QDA project (.qdpx, from NVivo, ATLAS.ti, MAXQDA…), a REFI-QDA codebook (.qdc) or a cocode project file (.json).</p>
      <label className="field">
        <span>Project file</span>
        <input
          ref={input}
          type="file"
          accept=".qdpx,.qdc,.json"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          disabled={upload !== null}
        />
      </label>
      {upload && <UploadProgress state={upload} label={`Uploading ${file?.name ?? 'the file'}`} />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button" disabled={!file || upload !== null}>
        {upload ? 'Importing…' : 'Import'}
      </button>
      {result && <ImportReport result={result} />}
    </form>
  );
}

function ImportReport({ result }: { result: ImportedProject }) {
  const { project, report } = result;
  const counts: [string, number][] = [
    ['transcripts', report.sources],
    ['codes', report.codes],
    ['codings', report.codings],
    ['people', report.users],
    ['memos', report.notes],
  ];
  return (
    <section className="import-report" role="status" aria-labelledby="import-report-title">
      <h3 id="import-report-title">
        Imported <Link href={paths.project(project.id)}>{project.name}</Link>
      </h3>
      <ul className="import-counts">
        {counts.map(([what, count]) => (
          <li key={what}>
            <strong>{count}</strong> {what}
          </li>
        ))}
      </ul>
      <p className="hint">
        Positions in the file were counted in{' '}
        {report.offsets === 'utf16' ? 'UTF-16 code units (as NVivo writes them)' : 'characters (the REFI-QDA standard)'}.
        {project.blind ? ' The project starts in blind mode.' : ''}
      </p>
      {report.coders.length > 0 && (
        <>
          <h4>Coders</h4>
          <ul className="import-list">
            {report.coders.map((coder) => (
              <li key={coder.userId}>
                {coder.name} <span className="muted">— {coderOrigins[coder.as]}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {report.skipped.length > 0 ? (
        <>
          <h4>Left out ({report.skipped.length})</h4>
          <ul className="import-list">
            {report.skipped.map((skip, index) => (
              // Two skips may name the same thing for different reasons: the position tells them apart.
              <li key={`${index}:${skip.what}`}>
                {skip.what}: <span className="muted">{skip.why}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="hint">Nothing in the file was left out.</p>
      )}
    </section>
  );
}
