/**
 * The confirmation before something is erased for good (a transcript, a project; SPEC E1, E4): a
 * modal dialog that says plainly what goes and that it cannot be undone, can ask for a name to be
 * typed first, and shows the server's refusal in place. The browser's modal dialog keeps keyboard
 * focus inside it, starts on its first field or on Cancel, closes on Escape and gives focus back to
 * the button that opened it.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { type Feedback, FeedbackLine, failureFeedback } from '../../ui/feedback';

export function DeletionDialog({
  title,
  children,
  confirmLabel,
  typeToConfirm,
  onDelete,
  onClose,
}: {
  title: string;
  /** What is erased, in words. */
  children: ReactNode;
  confirmLabel: string;
  /** A name typed exactly before the button works (the project's). */
  typeToConfirm?: string;
  /** Erases; a rejection is shown in the dialog, which stays open. */
  onDelete: () => Promise<void>;
  /** The dialog was closed without deleting. */
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const confirmed = typeToConfirm === undefined || typed === typeToConfirm;

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed || busy) return;
    setBusy(true);
    setFeedback(null);
    try {
      await onDelete();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="card danger-zone"
      aria-labelledby={titleId}
      // Escape while the deletion runs would hide a dialog whose answer is still to come.
      onCancel={(event) => busy && event.preventDefault()}
      onClose={onClose}
    >
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <p>
          <strong>This cannot be undone.</strong>
        </p>
        {typeToConfirm !== undefined && (
          <label className="field">
            <span>
              Type <strong>{typeToConfirm}</strong> to confirm
            </span>
            <input value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} disabled={busy} />
          </label>
        )}
        <FeedbackLine feedback={feedback} />
        <div className="form-actions">
          <button type="button" className="button ghost" onClick={() => dialog.current?.close()} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button danger" disabled={!confirmed || busy}>
            {busy ? 'Deleting…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
