import { type ReactNode, useEffect, useState } from 'react';
import type { User } from '../../shared/api/responses';
import { ApiError, api } from './api';
import { hasUnsentChanges } from './collab/connection';
import { AccountScreen } from './features/account/AccountScreen';
import { SignInScreen } from './features/account/SignInScreen';
import { AgreementScreen } from './features/agreement/AgreementScreen';
import { RoundsScreen } from './features/calibration/RoundsScreen';
import { CodebookScreen } from './features/codebook/CodebookScreen';
import { CodingScreen } from './features/coding/CodingScreen';
import { ProjectHomeScreen } from './features/projects/ProjectHomeScreen';
import { ProjectListScreen } from './features/projects/ProjectListScreen';
import { ReconcileScreen } from './features/reconciliation/ReconcileScreen';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { useConnectionSummary } from './hooks';
import { forgetLocalData, keepLocalDataOf } from './localData';
import { Link, navigate, paths, type Route, useRoute } from './router';
import { SessionContext } from './session';

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [signOutProblem, setSignOutProblem] = useState<string | null>(null);

  // Local copies are settled before any screen opens a document: only the signed-in person's stay.
  const signedIn = async (next: User) => {
    await keepLocalDataOf(next.id);
    setUser(next);
  };
  const signedOut = async () => {
    await forgetLocalData();
    setUser(null);
  };

  useEffect(() => {
    api.me().then(signedIn, signedOut);
  }, []);

  const publicScreen = route.screen === 'signin' || route.screen === 'register';
  useEffect(() => {
    if (user === null && !publicScreen) navigate(paths.signin(), { replace: true });
    if (user && publicScreen) navigate(paths.projects(), { replace: true });
  }, [user, publicScreen]);

  if (user === undefined) return <div className="page-loading" aria-busy="true">Loading cocode…</div>;
  if (user === null || publicScreen)
    return <SignInScreen mode={route.screen === 'register' ? 'register' : 'signin'} onSignedIn={signedIn} />;

  /**
   * The server must end the session first: offline, the cookie would stay valid and the next person
   * would be signed in as this one, so the page stays signed in (and keeps the offline copy) and says so.
   */
  const signOut = async () => {
    setSignOutProblem(null);
    if (hasUnsentChanges() && !window.confirm('Some of your changes have not reached the server yet. Sign out anyway and discard them?')) return;
    try {
      await api.logout();
    } catch (caught) {
      setSignOutProblem(
        caught instanceof ApiError && caught.code === 'offline'
          ? 'You are offline, so you cannot sign out yet: the server has to end your session. Your work stays in this browser; sign out again once the connection is back.'
          : `Signing out failed: ${caught instanceof Error ? caught.message : String(caught)}`,
      );
      return;
    }
    await signedOut();
    navigate(paths.signin());
  };
  const accountEnded = async () => {
    await signedOut();
      navigate(paths.signin());
    };
  return (
    <SessionContext.Provider value={{ user, signOut, accountEnded }}>
      <Shell user={user} onSignOut={signOut} problem={signOutProblem} onDismissProblem={() => setSignOutProblem(null)}>
        <Screen route={route} />
      </Shell>
    </SessionContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'projects':
      return <ProjectListScreen />;
    case 'account':
      return <AccountScreen />;
    case 'project':
      return <ProjectHomeScreen key={route.projectId} projectId={route.projectId} />;
    case 'codebook':
      return <CodebookScreen key={route.projectId} projectId={route.projectId} />;
    case 'settings':
      return <SettingsScreen key={route.projectId} projectId={route.projectId} />;
    case 'agreement':
      return <AgreementScreen key={route.projectId} projectId={route.projectId} />;
    case 'rounds':
      return <RoundsScreen key={route.projectId} projectId={route.projectId} />;
    case 'reconcile':
      return <ReconcileScreen key={`${route.projectId}/${route.documentId}`} projectId={route.projectId} documentId={route.documentId} />;
    case 'coding':
      return <CodingScreen key={`${route.projectId}/${route.documentId}`} projectId={route.projectId} documentId={route.documentId} />;
    default:
      return (
        <main className="page narrow">
          <h1>Page not found</h1>
          <p>
            This address does not lead anywhere in cocode. <Link href={paths.projects()}>Go to your projects</Link>.
          </p>
        </main>
      );
  }
}

function Shell({ user, onSignOut,
  problem,
  onDismissProblem,
  children }: { user: User; onSignOut: () => void;
  problem: string | null;
  onDismissProblem: () => void;
  children: ReactNode }) {
  const connection = useConnectionSummary();
  return (
    <div className="app">
      <header className="app-header">
        <Link href={paths.projects()} className="brand" aria-label="cocode: your projects">
          <img src="/favicon.svg" alt="" width="22" height="22" />
          <span>cocode</span>
        </Link>
        <div className="header-spacer" />
        <output className={`connection connection-${connection.tone}`} title={connection.detail} data-testid="connection-state">
          <span className="connection-dot" aria-hidden="true" />
          {connection.label}
        </output>
        <Link href={paths.account()} className="header-user" title={`Your account: ${user.email}`}>
          {user.name}
        </Link>
        <button type="button" className="button ghost small" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {problem && (
        <div className="banner banner-error page-banner" role="alert">
          {problem}
          <button type="button" className="button ghost small" onClick={onDismissProblem}>
            Dismiss
          </button>
        </div>
      )}
      {children}
    </div>
  );
}
