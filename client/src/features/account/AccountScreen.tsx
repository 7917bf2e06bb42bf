/**
 * The signed-in person's account: password change, API tokens for scripts, and deleting the
 * account (SPEC A7, A9). Every refusal shows the server's words as they come.
 */
import { type FormEvent, useState } from 'react';
import { type ApiTokenSummary, api } from '../../api';
import { type AsyncState, useAsync } from '../../hooks';
import { useSession } from '../../session';
import { type Feedback, FeedbackLine, failureFeedback } from '../../ui/feedback';

const dateFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

export function AccountScreen() {
  const { user } = useSession();
  const tokens = useAsync(() => api.apiTokens(), []);
  return (
    <main className="page narrow">
      <div className="page-title">
        <div>
          <h1>Your account</h1>
          <p className="muted">
            {user.name} · {user.email}
          </p>
        </div>
      </div>
      <div className="account-sections">
        <PasswordSection onChanged={tokens.reload} />
        <TokenSection tokens={tokens} />
        <DeleteAccountSection />
      </div>
    </main>
  );
}

/**
 * A form's submission: busy while its call runs, the earlier message cleared, a failure shown in the
 * server's words. `busyAfterSuccess` keeps the form disabled when a success leads away from it.
 */
function useSubmission(action: () => Promise<void>, { busyAfterSuccess = false }: { busyAfterSuccess?: boolean } = {}) {
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFeedback(null);
    try {
      await action();
      if (!busyAfterSuccess) setBusy(false);
    } catch (caught) {
      setFeedback(failureFeedback(caught));
      setBusy(false);
    }
  };
  return { feedback, setFeedback, busy, submit };
}

function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const { feedback, setFeedback, busy, submit } = useSubmission(async () => {
    await api.changePassword({ currentPassword, newPassword });
    setCurrentPassword('');
    setNewPassword('');
    setFeedback({
      tone: 'ok',
      text: 'Password changed. Your other sessions and every API token were signed out; this one stays signed in.',
    });
    onChanged();
  });

  return (
    <form className="card" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <label className="field">
        <span>Current password</span>
        <input
          type="password"
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
          autoComplete="current-password"
          required
        />
      </label>
      <label className="field">
        <span>New password</span>
        <input type="password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} autoComplete="new-password" required />
        <small className="hint">A passphrase of several unrelated words is easiest to remember and hard to guess.</small>
      </label>
      <FeedbackLine feedback={feedback} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}

function TokenSection({ tokens }: { tokens: AsyncState<ApiTokenSummary[]> }) {
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);

  const create = async () => {
    setFeedback(null);
    setCopied(false);
    try {
      setCreated(await api.createApiToken());
      tokens.reload();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    }
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created);
      setCopied(true);
    } catch {
      setFeedback({
        tone: 'error',
        text: 'The browser did not allow copying: select the token and copy it yourself.',
      });
    }
  };
  const revoke = async (tokenId: string) => {
    setFeedback(null);
    try {
      await api.revokeApiToken(tokenId);
      setFeedback({
        tone: 'ok',
        text: 'Token revoked: scripts using it are signed out at once.',
      });
      tokens.reload();
    } catch (caught) {
      setFeedback(failureFeedback(caught));
    }
  };

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">
        For scripts and the <code>cocode import</code> / <code>cocode export</code> commands: send it as <code>Authorization: Bearer …</code> or set{' '}
        <code>COCODE_TOKEN</code>. A token acts as you in every project you belong to.
      </p>
      {created && (
        <div className="token-once" data-testid="new-token">
          <p>
            <strong>Your new token.</strong> Copy it now: it is shown only this once.
          </p>
          <div className="field-row">
            <input className="grow token-value" readOnly value={created} aria-label="New API token" onFocus={(e) => e.target.select()} />
            <button type="button" className="button" onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className="button ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {tokens.error && <p className="form-error">{tokens.error.message}</p>}
      {tokens.data && tokens.data.length === 0 && <p className="muted">No API tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <td>{dateFormat.format(token.createdAt)}</td>
                <td>{dateFormat.format(token.expiresAt)}</td>
                <td className="actions-cell">
                  <button
                    type="button"
                    className="button ghost small danger"
                    aria-label={`Revoke the token created ${dateFormat.format(token.createdAt)}`}
                    onClick={() => void revoke(token.id)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FeedbackLine feedback={feedback} />
      <button type="button" className="button" onClick={() => void create()}>
        Create a token
      </button>
    </section>
  );
}

function DeleteAccountSection() {
  const { accountEnded } = useSession();
  const [password, setPassword] = useState('');
  // Busy to the end: signing out and leaving the page follow a success.
  const { feedback, busy, submit } = useSubmission(
    async () => {
      await api.deleteAccount({ password });
      accountEnded();
    },
    { busyAfterSuccess: true },
  );

  return (
    <form className="card danger-zone" onSubmit={submit} aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      <p className="muted">
        Your name, email and sign-ins are erased. The codings you made stay in their projects, shown as a former member’s, so that the team’s analysis
        and agreement figures do not change. If you are the only owner of a project, make someone else owner first.
      </p>
      <label className="field">
        <span>Password, to confirm</span>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
      </label>
      <FeedbackLine feedback={feedback} />
      <button type="submit" className="button danger" disabled={busy}>
        {busy ? 'Deleting…' : 'Delete my account'}
      </button>
    </form>
  );
}
