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
  { at, kind: 'join-failed', message: "the context's rules refuse this join: invite expired", detail: 'the invite had expired when it was used' },
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
  for (const kind of ['rejected-op', 'divergence', 'refused-peer', 'join-failed']) expect(shown).not.toContain(kind);
  // An alert's technical detail is folded away, there when opened.
  const joinFailed = list.element().querySelector('li[data-kind="join-failed"]') as HTMLElement;
  expect(joinFailed.innerText).toContain("the context's rules refuse this join: invite expired");
  expect(joinFailed.innerText).not.toContain('had expired when it was used');
  expect(joinFailed.querySelector('details code')?.textContent).toBe('the invite had expired when it was used');
  await list.screenshot({ path: '../../../test-results/screenshots/sync-alerts-words.png' });
});

const bob = 'tabnode:local:9TkQbWvRn2sLpE6yXcM4uAfZd8GhJiKo';
const outsider = 'tabnode:local:7HyUeWqPa3sDfGh5jKlZx9cVbNm2QwEr';
const traffic = { received: { messages: 1, bytes: 2048, ops: 1 }, sent: { messages: 1, bytes: 1024, ops: 1 }, ignoredOps: 0 };

/** Links in every state, closed links for each kind of reason, a refused op and a flood from an outsider. */
const busy = {
  ...view,
  alerts: [],
  members: [{ root: bob, role: 'writer', me: false, online: true, devices: [{ key: 'old', label: 'Bob old phone', revoked: true }, { key: 'b', label: 'Bob laptop', revoked: false }] }],
  peers: [
    { ...traffic, linkId: 'link-7f3a', state: 'handshaking' },
    { ...traffic, linkId: 'link-1', state: 'verified', standing: 'invitee', label: 'Bob laptop', root: bob },
    { ...traffic, linkId: 'link-2', state: 'refused', label: 'Mallory', refusal: `Mallory (${outsider}) is not a member` },
  ],
  closedPeers: [
    { ...traffic, linkId: 'link-3', state: 'closed', label: 'Bob laptop', closeReason: `refused: Bob laptop (${bob}) is not a member` },
    { ...traffic, linkId: 'link-4', state: 'closed', label: 'Carol', closeReason: 'peer left: node stopped' },
    { ...traffic, linkId: 'link-5', state: 'closed', closeReason: 'protocol error: varuint overflow at byte 7' },
    { ...traffic, linkId: 'link-6', state: 'closed', label: 'Dan', closeReason: 'quota: it sent over 1 MiB of ops whose parents never came' },
  ],
  invalidOps: [{ key: 'k1', kind: 'rotate-epoch', author: `Bob laptop (${bob})`, reason: 'insufficient-role', message: `Bob laptop (${bob}) may not rotate keys`, time: at }],
  rejected: [
    { context: 'c', reason: 'not-admitted', message: `ops from Mallory (${outsider}), which is not admitted here, were ignored`, at },
    { context: 'c', reason: 'not-admitted', message: `ops from Mallory (${outsider}), which is not admitted here, were ignored`, at: at + 1 },
  ],
} as unknown as ContextView;

test('links, closed links and refused ops read as words and names; states, codes and ids are tooltips', async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: {} as TabnodeNode }, createElement(SyncPanel, { view: busy })));

  const links = page.getByTestId('links');
  await expect.element(links.getByText('Connecting')).toBeVisible();
  expect(links.getByText('Connecting').element().getAttribute('title')).toBe('handshaking');
  expect(links.getByText('A peer not identified yet').element().getAttribute('title')).toBe('link-7f3a');
  await expect.element(links.getByText('Verified')).toBeVisible();
  await expect.element(links.getByText('(joining with an invite)')).toBeVisible();
  await expect.element(links.getByText('Not admitted', { exact: true })).toBeVisible();
  await expect.element(links.getByText('— we refused it: Mallory (7HyUeW…QwEr) is not a member')).toBeVisible();

  await page.getByText('Closed links (4)').click();
  const closed = page.getByTestId('closed-links');
  await expect.element(closed.getByText('Not admitted here — Bob laptop is not a member')).toBeVisible();
  await expect.element(closed.getByText('The peer closed the link: it stopped syncing (its tab closed or signed out)')).toBeVisible();
  await expect.element(closed.getByText('It sent something this node cannot read')).toBeVisible();
  expect(closed.getByText('It sent something this node cannot read').element().getAttribute('title')).toBe('protocol error: varuint overflow at byte 7');
  await expect.element(closed.getByText('Cut off — it sent over 1 MiB of ops whose parents never came')).toBeVisible();

  const refused = page.getByTestId('invalid-ops');
  await expect.element(refused.getByText('Encryption key renewed')).toBeVisible();
  expect(refused.getByText('Encryption key renewed').element().getAttribute('title')).toBe('rotate-epoch');
  expect((refused.element().querySelector('[data-key="k1"]') as HTMLElement).innerText).toContain('by Bob laptop: Bob laptop may not rotate keys');
  expect((refused.element().querySelector('[data-reason="not-admitted"]') as HTMLElement).innerText).toContain('ops from Mallory (7HyUeW…QwEr), which is not admitted here');

  const shown = (page.getByTestId('sync-panel').element() as HTMLElement).innerText;
  for (const raw of ['tabnode:', 'handshaking', 'link-', 'rotate-epoch', 'protocol error', 'refused:', 'peer left:', 'quota:', 'varuint', 'invitee']) expect(shown).not.toContain(raw);
  await page.getByTestId('sync-panel').screenshot({ path: '../../../test-results/screenshots/sync-links-words.png' });
});

test("a root at a sentence's end is cut short without the full stop", async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  const ending = { ...view, alerts: [], peers: [{ ...traffic, linkId: 'link-2', state: 'refused', label: 'Mallory', refusal: `no member signed for ${outsider}.` }] } as unknown as ContextView;
  createRoot(host).render(createElement(NodeContext.Provider, { value: {} as TabnodeNode }, createElement(SyncPanel, { view: ending })));

  const links = page.getByTestId('links');
  await expect.element(links.getByText('— we refused it: no member signed for 7HyUeW…QwEr.')).toBeVisible();
  expect((links.element() as HTMLElement).innerText).not.toContain('…wEr.');
});
