// The sync panel's alerts rendered in Chromium: each badge reads as plain words, its kind
// kept as the tooltip and data-kind, never as the visible text.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type { Alert, ContextView, TabnodeNode } from '../../node/index.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { SyncPanel } from './SyncPanel.tsx';

const at = Date.UTC(2026, 11, 7, 14, 5);
const alerts: Alert[] = [
  { at, kind: 'rejected-op', message: '2 op(s) refused: the author is not a member' },
  { at, kind: 'divergence', message: 'a peer signed a different state at the same heads' },
  { at, kind: 'refused-peer', message: 'a peer was refused' },
];

/** A quiet context with three alerts: only what the panel reads. */
const view = {
  id: 'c',
  myRoot: 'tabnode:local:me',
  online: true,
  opCount: 3,
  remoteOpCount: 3,
  pending: 0,
  stuck: 0,
  heads: ['abcdef0123456789'],
  stateRoot: '0123456789abcdef0123',
  peers: [],
  closedPeers: [],
  checkpoints: [],
  invalidOps: [],
  rejected: [],
  members: [],
  alerts,
} as unknown as ContextView;

test('alert badges read as plain words; the kind is the tooltip', async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: {} as TabnodeNode }, createElement(SyncPanel, { view })));

  const list = page.getByTestId('alerts');
  await expect.element(list.getByText('Changes refused')).toBeVisible();
  await expect.element(list.getByText('Copies disagree')).toBeVisible();
  await expect.element(list.getByText('Peer refused')).toBeVisible();
  expect(list.getByText('Changes refused').element().getAttribute('title')).toBe('rejected-op');
  expect(list.element().querySelector('li[data-kind="divergence"]')).not.toBeNull();
  const shown = (list.element() as HTMLElement).innerText;
  for (const kind of ['rejected-op', 'divergence', 'refused-peer']) expect(shown).not.toContain(kind);
  await list.screenshot({ path: '../../../test-results/screenshots/sync-alerts-words.png' });
});
