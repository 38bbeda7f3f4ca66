import { type ReactNode, useEffect, useState } from 'react';
import { currentSession, type SessionInfo, signOut } from './api-client.js';
import { Status } from './components/status.js';
import { AlertsPage } from './pages/alerts-page.js';
import { AuditPage } from './pages/audit-page.js';
import { FailedPage } from './pages/failed-page.js';
import { MapPage } from './pages/map-page.js';
import { ModelsPage } from './pages/models-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { UserPage } from './pages/user-page.js';
import { hrefOf, useHashRoute } from './use-hash-route.js';

/** The dashboard: sign-in gate, navigation, and the page the URL fragment names. */
export function App(): ReactNode {
  const [session, setSession] = useState<SessionInfo | null>();
  const [error, setError] = useState<Error>();
  const route = useHashRoute();

  useEffect(() => {
    currentSession()
      .then((s) => setSession(s ?? null))
      .catch((e: unknown) => setError(e as Error));
  }, []);

  if (session === undefined) return <Status loading={!error} error={error} />;
  if (session === null) return <SignInPage onSignedIn={setSession} />;
  const canAdmin = session.scopes.includes('admin');

  return (
    <div className="shell">
      <nav className="top">
        <a className="brand" href="#/">
          loginguard
        </a>
        <a href="#/" className={route.length === 0 ? 'on' : ''}>
          Overview
        </a>
        <a href="#/alerts" className={route[0] === 'alerts' ? 'on' : ''}>
          Alerts
        </a>
        <a href="#/map" className={route[0] === 'map' ? 'on' : ''}>
          Map
        </a>
        <a href="#/models" className={route[0] === 'models' ? 'on' : ''}>
          Models
        </a>
        <a href="#/audit" className={route[0] === 'audit' ? 'on' : ''}>
          Audit log
        </a>
        <a href="#/failed" className={route[0] === 'failed' ? 'on' : ''}>
          Failed events
        </a>
        <a href="#/settings" className={route[0] === 'settings' ? 'on' : ''}>
          Settings
        </a>
        <form
          className="find-user"
          onSubmit={(e) => {
            e.preventDefault();
            const input = e.currentTarget.elements.namedItem('user') as HTMLInputElement;
            if (input.value.trim()) window.location.hash = hrefOf('users', input.value.trim());
          }}
        >
          <input name="user" aria-label="find a user" placeholder="user id…" />
        </form>
        <span className="who">
          {session.keyName} <span className="muted">({session.scopes.join(', ')})</span>
        </span>
        <button
          type="button"
          onClick={() => {
            signOut()
              .catch(() => undefined)
              .finally(() => setSession(null));
          }}
        >
          Sign out
        </button>
      </nav>
      <main>
        <Route route={route} canAdmin={canAdmin} />
      </main>
    </div>
  );
}

function Route({ route, canAdmin }: { route: string[]; canAdmin: boolean }): ReactNode {
  const [page, arg] = route;
  if (page === undefined) return <OverviewPage />;
  if (page === 'users' && arg !== undefined) return <UserPage key={arg} userId={arg} canAdmin={canAdmin} />;
  if (page === 'audit') return <AuditPage />;
  if (page === 'failed') return <FailedPage canAdmin={canAdmin} />;
  if (page === 'alerts') return <AlertsPage canAdmin={canAdmin} />;
  if (page === 'map') return <MapPage />;
  if (page === 'settings') return <SettingsPage />;
  if (page === 'models') return <ModelsPage />;
  return <p className="state empty">No such page.</p>;
}
