import { type ReactNode, useEffect, useState } from 'react';
import type { User } from '../../shared/api/responses';
import { api } from './api';
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
import { Link, navigate, paths, type Route, useRoute } from './router';
import { SessionContext } from './session';

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    api.me().then(setUser, () => setUser(null));
  }, []);

  const publicScreen = route.screen === 'signin' || route.screen === 'register';
  useEffect(() => {
    if (user === null && !publicScreen) navigate(paths.signin(), { replace: true });
    if (user && publicScreen) navigate(paths.projects(), { replace: true });
  }, [user, publicScreen]);

  if (user === undefined) return <div className="page-loading" aria-busy="true">Loading cocode…</div>;
  if (user === null || publicScreen)
    return <SignInScreen mode={route.screen === 'register' ? 'register' : 'signin'} onSignedIn={setUser} />;

  const signOut = () => {
    void api.logout().finally(() => {
      setUser(null);
      navigate(paths.signin());
    });
  };
  return (
    <SessionContext.Provider value={{ user, signOut }}>
      <Shell user={user} onSignOut={signOut}>
        <Screen route={route} />
      </Shell>
    </SessionContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'projects':
      return <ProjectListScreen />;
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

function Shell({ user, onSignOut, children }: { user: User; onSignOut: () => void; children: ReactNode }) {
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
        <span className="header-user" title={user.email}>
          {user.name}
        </span>
        <button type="button" className="button ghost small" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {children}
    </div>
  );
}
