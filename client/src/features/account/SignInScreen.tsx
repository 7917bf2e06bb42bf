import { type FormEvent, useState } from 'react';
import type { User } from '../../../../shared/api/responses';
import { api } from '../../api';
import { Link, paths } from '../../router';

export function SignInScreen({ mode, onSignedIn }: { mode: 'signin' | 'register'; onSignedIn: (user: User) => Promise<void> }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignedIn(registering ? await api.register({ name, email, password }) : await api.login({ email, password }));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page">
      <div className="auth-intro">
        <div className="brand large">
          <img src="/favicon.svg" alt="" width="36" height="36" />
          <span>cocode</span>
        </div>
        <p className="auth-tagline">Code interview transcripts together, live — with blind calibration when you need it.</p>
      </div>
      <form className="card auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{registering ? 'Create your account' : 'Sign in'}</h1>
        {registering && (
          <label className="field">
            <span>Your name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
          </label>
        )}
        <label className="field">
          <span>Email</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={registering ? 'new-password' : 'current-password'}
            minLength={registering ? 8 : undefined}
            required
          />
          {registering && <small className="hint">At least 8 characters.</small>}
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" disabled={busy}>
          {busy ? 'Please wait…' : registering ? 'Create account' : 'Sign in'}
        </button>
        <p className="auth-switch">
          {registering ? (
            <>
              Already have an account? <Link href={paths.signin()}>Sign in</Link>
            </>
          ) : (
            <>
              Invited to a project? <Link href={paths.register()}>Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
