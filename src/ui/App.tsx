import { Home } from './home/Home.tsx';
import { Welcome } from './onboarding/Welcome.tsx';
import { Settings } from './settings/Settings.tsx';
import { navigate, useRoute, type Route } from './shell/router.ts';
import { useIdentity } from './shell/nodeContext.ts';

function NavLink({ to, children }: { to: Route; children: string }) {
  const route = useRoute();
  return (
    <a
      href={to}
      aria-current={route === to ? 'page' : undefined}
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
  return (
    <>
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          <img src="/favicon.svg" alt="" width={24} height={24} />
          Tabnode
        </a>
        <nav aria-label="Main">
          <NavLink to="/">Home</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
      </header>
      <main id="main">
        {!status ?
          <p className="loading" role="status">
            Opening this node…
          </p>
        : route === '/settings' ?
          <Settings />
        : signedIn ?
          <Home status={status} />
        : <Welcome />}
      </main>
    </>
  );
}
