import { useState } from 'react';
import { CreateIdentity } from './CreateIdentity.tsx';
import { RestoreIdentity } from './RestoreIdentity.tsx';
import { WalletLogin } from './WalletLogin.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';

/** First run: make a new identity or bring back one from its recovery phrase. `asPage`: false under another page (join). */
export function Welcome({ asPage = true }: { asPage?: boolean }) {
  usePageTitle(asPage ? 'Welcome' : null);
  const [mode, setMode] = useState<'choose' | 'create' | 'restore' | 'wallet'>('choose');
  if (mode === 'create') return <CreateIdentity onCancel={() => setMode('choose')} />;
  if (mode === 'restore') return <RestoreIdentity onCancel={() => setMode('choose')} />;
  if (mode === 'wallet') return <WalletLogin onCancel={() => setMode('choose')} />;
  return (
    <section className="card welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Welcome to Tabnode</h1>
      <p className="lead">
        A private collaboration node that runs entirely in this tab. Your keys stay in this browser; peers connect
        directly and verify everything they receive.
      </p>
      <div className="choices">
        <button type="button" className="button primary" onClick={() => setMode('create')}>
          Create a new identity
        </button>
        <button type="button" className="button secondary" onClick={() => setMode('restore')}>
          Restore from a recovery phrase
        </button>
        <button type="button" className="button secondary" onClick={() => setMode('wallet')}>
          Log in with a wallet
        </button>
      </div>
    </section>
  );
}
