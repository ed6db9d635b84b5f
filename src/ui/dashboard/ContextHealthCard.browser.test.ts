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
    { label: 'Eve tablet', state: 'verified', refusedBy: 'not-a-member: tabnode:local:me is not a member' },
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
  expect(links.getByText('— not admitted here').element().getAttribute('title')).toBe(`Mallory (${outsider}) is not a member`);
  await expect.element(links.getByText('Refuses this device')).toBeVisible();
  expect(links.getByText('— it does not admit this device').element().getAttribute('title')).toMatch(/^not-a-member:/);

  const shown = (page.getByTestId('context-health').element() as HTMLElement).innerText;
  for (const raw of ['withheld', 'no-rpc', 'chain no', 'handshaking', 'verified', 'refused:', 'tabnode:', 'not-a-member', 'insufficient-role']) expect(shown).not.toContain(raw);
  await page.getByTestId('context-health').screenshot({ path: '../../../test-results/screenshots/health-card-words.png' });
});
