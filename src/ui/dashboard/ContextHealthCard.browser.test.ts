// A dashboard health card rendered in Chromium: anchor status, chain state and link states
// read as words; the codes (and the peers' own reasons) are only tooltips.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type { ContextHealth } from '../../node/index.ts';
import '../styles.css';
import { ContextHealthCard } from './ContextHealthCard.tsx';

const outsider = 'tabnode:local:7HyUeWqPa3sDfGh5jKlZx9cVbNm2QwEr';
const me = 'tabnode:local:4wipFsQbWvRn2sLpE6yXcM4uAfZd8Gx9Qe';

const health: ContextHealth = {
  id: 'c1',
  name: 'Design team',
  myRole: 'owner',
  online: true,
  joining: false,
  links: [
    { label: 'Bob laptop', state: 'verified' },
    { label: 'Carol phone', state: 'handshaking' },
    { label: 'Mallory', state: 'refused', refusal: `Mallory (${outsider}) is not a member` },
    // What a peer sends: its rules' sentence about this device, and the code it is worded by.
    { label: 'Eve tablet', state: 'verified', refusedBy: `My laptop (${me}) is not a member`, refusedByCode: 'not-a-member' },
  ],
  moreLinks: 0,
  opCount: 5,
  remoteOpCount: 5,
  lag: 0,
  pending: 0,
  stuck: 0,
  invalid: [{ reason: 'insufficient-role', count: 2 }],
  rejected: [],
  anchor: { status: 'withheld', chain: 'no-rpc', seq: '3' },
  series: [],
};

test('anchor status, chain state and links in words; codes and reasons as tooltips', async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(ContextHealthCard, { health }));

  const anchor = page.getByTestId('health-anchor');
  await expect.element(anchor.getByText('WITHHELD HISTORY')).toBeVisible();
  expect(anchor.getByText('WITHHELD HISTORY').element().getAttribute('title')).toBe('withheld');
  await expect.element(anchor.getByText(/no chain connection set up/)).toBeVisible();
  expect(anchor.getByText(/no chain connection set up/).element().getAttribute('title')).toBe('no-rpc');

  await page.getByText('Links (4)').click();
  const links = page.getByTestId('health-links');
  await expect.element(links.getByText('Verified', { exact: true })).toBeVisible();
  expect(links.getByText('Connecting').element().getAttribute('title')).toBe('handshaking');
  await expect.element(links.getByText('Not admitted', { exact: true })).toBeVisible();
  // The badge says it once: the rules' reason is the name's tooltip, not 'Not admitted — not admitted here'.
  expect(links.getByText('Mallory', { exact: true }).element().getAttribute('title')).toBe(`Mallory (${outsider}) is not a member`);
  expect((links.element() as HTMLElement).innerText).not.toContain('not admitted here');
  await expect.element(links.getByText('Refuses this device')).toBeVisible();
  // Worded by the peer's code, with what to do; the peer's own sentence is the tooltip.
  const why = links.getByText('— it does not count this identity as a member (any more): ask a member for an invite');
  await expect.element(why).toBeVisible();
  expect(why.element().getAttribute('title')).toBe(`My laptop (${me}) is not a member`);

  const shown = (page.getByTestId('context-health').element() as HTMLElement).innerText;
  for (const raw of ['withheld', 'no-rpc', 'chain no', 'handshaking', 'verified', 'refused:', 'tabnode:', 'not-a-member', 'insufficient-role']) expect(shown).not.toContain(raw);
  await page.getByTestId('context-health').screenshot({ path: '../../../test-results/screenshots/health-card-words.png' });
});

test('an unknown lag says why, online or offline, and shows no best peer count beside it', async () => {
  // Online, a peer connected, but none has said how far it is (it refuses, or has not sent its
  // heads yet): the best peer count is an old reading.
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  const root = createRoot(host);
  const unknown: ContextHealth = { ...health, lag: null, opCount: 5, remoteOpCount: 9 };
  root.render(createElement(ContextHealthCard, { health: unknown }));
  const lag = page.getByTestId('health-lag');
  await expect.element(lag).toHaveTextContent('not known yet: no peer has said how far it is (5 here; 0 waiting for parents)');
  expect((lag.element() as HTMLElement).innerText).not.toContain('best peer');
  expect((lag.element() as HTMLElement).innerText).not.toContain('no peer connected');

  root.render(createElement(ContextHealthCard, { health: { ...unknown, online: false } }));
  await expect.element(lag).toHaveTextContent('not known while offline (5 here; 0 waiting for parents)');

  // Known: the best peer's count is shown beside it.
  root.render(createElement(ContextHealthCard, { health: { ...unknown, lag: 4 } }));
  await expect.element(lag).toHaveTextContent('4 ops behind (5 here, best peer 9; 0 waiting for parents)');
});
