import { useState } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { disconnectWallet } from '../wallet/walletSession.ts';

/** Forget the identity on this browser, after a clear warning; a wallet session ends too. */
export function SignOut({ walletRoot }: { walletRoot: boolean }) {
  const node = useNode();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card quiet" aria-labelledby="signout-title">
      <h2 id="signout-title">Sign out of this browser</h2>
      {confirming ?
        <>
          <p role="alert">
            {walletRoot ?
              'Your wallet brings this identity back: log in with it again on any browser. Sign out?'
            : 'Without your recovery phrase you cannot get this identity back. Sign out anyway?'}
          </p>
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              Keep me signed in
            </button>
            <button type="button" className="button danger" onClick={() => void node.settings.get().then(disconnectWallet).finally(() => node.identity.signOut())}>
              Sign out
            </button>
          </div>
        </>
      : <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
          Sign out…
        </button>
      }
    </section>
  );
}
