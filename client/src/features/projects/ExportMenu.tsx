/**
 * The Export menu: every format the server writes (docs/api.md "Export"). Files are fetched first
 * and then saved, so a refusal shows as the server's words instead of a page of JSON, and a long
 * export shows that it is being made.
 */
import { useEffect, useRef, useState } from 'react';
import type { ExportQuery } from '../../../../shared/api/requests';
import type { Project } from '../../../../shared/api/responses';
import { decide } from '../../../../shared/authz';
import { api } from '../../api';
import { failureText } from '../../ui/feedback';

interface ExportChoice {
  label: string;
  detail: string;
  query: ExportQuery;
}

const projectChoices: ExportChoice[] = [
  { label: 'REFI-QDA project (.qdpx)', detail: 'For NVivo, ATLAS.ti, MAXQDA and other QDA software', query: { format: 'qdpx' } },
  { label: 'REFI-QDA project, UTF-16 positions (.qdpx)', detail: 'Selection positions as NVivo counts them', query: { format: 'qdpx', offsets: 'utf16' } },
  { label: 'REFI-QDA codebook (.qdc)', detail: 'The codes alone', query: { format: 'qdc' } },
  { label: 'Codings (.csv)', detail: 'One row per coding, with speaker and attributes', query: { format: 'csv' } },
  { label: 'Codings for Excel (.csv with BOM)', detail: 'Excel reads the letters right', query: { format: 'csv', bom: '1' } },
  { label: 'Codebook (.csv)', detail: 'One row per code', query: { format: 'codebook-csv' } },
  { label: 'cocode project file (.json)', detail: 'Everything, to import into another cocode', query: { format: 'json' } },
];

function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has handed the file to the browser; the address is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ExportMenu({ project, documentId }: { project: Project; documentId?: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const ownLayerOnly = !decide({ role: project.role, resource: 'other-layer', operation: 'read', blind: project.blind }).allowed;
  const choices: ExportChoice[] = documentId
    ? [
        { label: 'This transcript, coded (.html)', detail: 'A printable page with its codings', query: { format: 'html', document: documentId } },
        ...projectChoices,
      ]
    : projectChoices;

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const exportAs = async (choice: ExportChoice) => {
    setOpen(false);
    setError(null);
    setBusy(choice.label);
    try {
      const file = await api.exportFile(project.id, choice.query);
      saveFile(file.blob, file.fileName);
    } catch (caught) {
      setError(`${choice.label}: ${failureText(caught)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="export-menu" ref={root}>
      <button type="button" className="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((value) => !value)} disabled={busy !== null}>
        {busy ? 'Preparing export…' : 'Export'} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="export-popover" role="menu" aria-label="Export">
          {ownLayerOnly && <p className="hint export-note">Blind mode: exports hold your own codings only.</p>}
          {choices.map((choice) => (
            <button key={choice.label} type="button" role="menuitem" className="export-item" onClick={() => void exportAs(choice)}>
              <span>{choice.label}</span>
              <span className="muted small">{choice.detail}</span>
            </button>
          ))}
        </div>
      )}
      {busy && (
        <output className="export-status muted small" aria-busy="true">
          Preparing {busy}…
        </output>
      )}
      {error && (
        <p className="form-error export-status" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
