import { useState } from 'react';
import { useNode } from '../shell/nodeContext.ts';

/** Forget the identity on this browser, after a clear warning. */
export function SignOut() {
  const node = useNode();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card quiet" aria-labelledby="signout-title">
      <h2 id="signout-title">Sign out of this browser</h2>
      {confirming ?
        <>
          <p role="alert">
            Without your recovery phrase you cannot get this identity back. Sign out anyway?
          </p>
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              Keep me signed in
            </button>
            <button type="button" className="button danger" onClick={() => void node.identity.signOut()}>
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
