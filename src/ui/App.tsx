import { lazy, Suspense, type ReactNode } from 'react';
import { AlertBadge } from './alerts/AlertBadge.tsx';
import { AlertNotifier } from './alerts/AlertNotifier.tsx';
import { ContextsPage } from './contexts/ContextsPage.tsx';
import { JoinPage } from './contexts/JoinPage.tsx';
import { loadContextPage } from './contexts/contextPageChunk.ts';
import { Welcome } from './onboarding/Welcome.tsx';
import { UpdateBanner } from './shell/UpdateBanner.tsx';
import { useIdentity } from './shell/useIdentity.ts';
import { navigate, pathOf, useRoute, type Route } from './shell/router.ts';

// Pages an admin opens now and then load when first opened, keeping them out of the first
// load (its budget: bench/bundleSize.ts). The service worker precaches them for offline use.
// A context's page loads when one is opened: the list of contexts is the first page.
const ContextPage = lazy(() => loadContextPage().then((m) => ({ default: m.ContextPage })));
const ConsolePage = lazy(() => import('./console/ConsolePage.tsx').then((m) => ({ default: m.ConsolePage })));
const DashboardPage = lazy(() => import('./dashboard/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
const IdentityPage = lazy(() => import('./identity/IdentityPage.tsx').then((m) => ({ default: m.IdentityPage })));
const Settings = lazy(() => import('./settings/Settings.tsx').then((m) => ({ default: m.Settings })));
const AlertsPage = lazy(() => import('./alerts/AlertsPage.tsx').then((m) => ({ default: m.AlertsPage })));

function Loading() {
  return (
    <p className="loading" role="status">
      Opening the page…
    </p>
  );
}

function NavLink({ to, children }: { to: Route; children: ReactNode }) {
  const route = useRoute();
  return (
    <a
      href={pathOf(to)}
      aria-current={route.page === to.page ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function App() {
  const route = useRoute();
  const { status } = useIdentity();
  const signedIn = Boolean(status?.root);

  function page() {
    if (!status) {
      return (
        <p className="loading" role="status">
          Opening this node…
        </p>
      );
    }
    if (route.page === 'settings') return <Settings />;
    if (route.page === 'join') {
      return (
        <>
          <JoinPage signedIn={signedIn} />
          {!signedIn && <Welcome asPage={false} />}
        </>
      );
    }
    if (!signedIn) return <Welcome />;
    if (route.page === 'identity') return <IdentityPage status={status} />;
    if (route.page === 'console') return <ConsolePage />;
    if (route.page === 'dashboard') return <DashboardPage />;
    if (route.page === 'alerts') return <AlertsPage />;
    if (route.page === 'context') return <ContextPage id={route.id} />;
    return <ContextsPage />;
  }

  return (
    <>
      <header className="topbar">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate({ page: 'contexts' });
          }}
        >
          <img src="/favicon.svg" alt="" width={24} height={24} />
          Tabnode
        </a>
        <nav aria-label="Main">
          <NavLink to={{ page: 'contexts' }}>Contexts</NavLink>
          <NavLink to={{ page: 'dashboard' }}>Dashboard</NavLink>
          <NavLink to={{ page: 'alerts' }}>
            Alerts{signedIn && <AlertBadge />}
          </NavLink>
          <NavLink to={{ page: 'console' }}>Console</NavLink>
          <NavLink to={{ page: 'identity' }}>Identity</NavLink>
          <NavLink to={{ page: 'settings' }}>Settings</NavLink>
        </nav>
      </header>
      <UpdateBanner />
      <main id="main">
        <Suspense fallback={<Loading />}>{page()}</Suspense>
      </main>
      {signedIn && <AlertNotifier />}
    </>
  );
}
