import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { openBrowserNode } from '../node/browserNode.ts';
import type { TabnodeNode } from '../node/index.ts';
import { App } from './App.tsx';
import { holdInvitesFromAddressBar } from './contexts/heldInvite.ts';
import { NodeContext } from './shell/nodeContext.ts';
import { registerServiceWorker } from './shell/appUpdate.ts';
import './styles.css';

declare global {
  interface Window {
    /** The node's API, for the developer console and end-to-end tests. */
    tabnode?: TabnodeNode;
  }
}

// First thing: the invite's secret leaves the address bar before anything else runs.
holdInvitesFromAddressBar();

const container = document.getElementById('root')!;

// Offline use and the update prompt (docs/offline.md); the dev server and the benchmark
// build have no worker to serve.
if (import.meta.env.PROD && import.meta.env.VITE_SERVICE_WORKER !== 'off' && 'serviceWorker' in navigator) {
  registerServiceWorker().catch((error: Error) => console.warn(`Tabnode works online only: the service worker did not register (${error.message})`));
}

openBrowserNode().then(
  (node) => {
    window.tabnode = node;
    createRoot(container).render(
      <StrictMode>
        <NodeContext.Provider value={node}>
          <App />
        </NodeContext.Provider>
      </StrictMode>,
    );
  },
  (error: Error) => {
    container.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'fatal';
    p.setAttribute('role', 'alert');
    p.textContent = `Tabnode could not start: ${error.message}. It needs IndexedDB (private windows in some browsers block it).`;
    container.append(p);
  },
);
