// The dashboard's device-hygiene card rendered in Chromium over a real node: a laptop whose
// phone has been away 81 days, both delegations nine days from their end.
import { createElement, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { DAY_MS } from '../../core/identity/index.ts';
import { laptopWithAbsentPhone } from '../../node/hygieneScenario.testing.ts';
import type { TabnodeNode } from '../../node/index.ts';
import { memoryMeshHub } from '../../node/contexts/memoryMesh.ts';
import { realTimeScheduler } from '../../node/scheduler.ts';
import { bareTestNode } from '../../node/testing.ts';
import { ethereumWallet } from '../../node/walletDoubles.testing.ts';
import { RotationCadence } from '../settings/RotationCadence.tsx';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { DeviceHygiene } from './DeviceHygiene.tsx';

/** Render `element` alone on the page, as the node `node` sees things. */
function show(node: TabnodeNode, element: ReactElement): void {
  document.body.replaceChildren();
  const host = document.createElement('main');
  document.body.append(host);
  createRoot(host).render(createElement(NodeContext.Provider, { value: node }, element));
}

test('lists the expiring delegations and the absent phone as stale, with why', async () => {
  const { laptop, clock, phoneKey } = await laptopWithAbsentPhone();
  await laptop.devices.rotation.setCadence(null);
  clock.now += 81 * DAY_MS;
  await page.viewport(800, 700);
  show(laptop, createElement(DeviceHygiene));

  const card = page.getByTestId('device-hygiene');
  await expect.element(card.getByTestId('hygiene-stale').getByText('not seen for 81 days')).toBeVisible();
  await expect.element(card.getByTestId('hygiene-expiring').getByText('Laptop')).toBeVisible();
  expect(card.getByTestId('hygiene-stale').element().querySelector(`[data-key="${phoneKey}"]`)).not.toBeNull();
  await card.screenshot({ path: '../../../test-results/screenshots/device-hygiene.png' });

  // At 375 px the header is out of sight: each cell that is not self-explaining names its column.
  await page.viewport(375, 740);
  const row = card.getByTestId('hygiene-stale').element().querySelector(`[data-key="${phoneKey}"]`)!;
  const before = (cell: Element) => getComputedStyle(cell, '::before').content;
  await expect.poll(() => before(row.children[3]!)).toBe('"Valid until: "');
  expect([...row.children].map(before)).toEqual(['none', '"Key: "', '"Why: "', '"Valid until: "']);
  await page.viewport(800, 700);
  expect(before(row.children[3]!)).toBe('none');
  await laptop.close();
}, 60_000);

test('a wallet root whose key is past the cadence is asked to rotate, on the dashboard and in Settings', async () => {
  const clock = { now: Date.UTC(2026, 11, 1) };
  const node = await bareTestNode(memoryMeshHub(realTimeScheduler), 'Wallet laptop', { now: () => clock.now });
  await node.identity.loginWithWallet(ethereumWallet(), 'Wallet laptop');
  const key = (await node.identity.status()).device.publicKey;
  await node.devices.rotation.setCadence(30);
  clock.now += 31 * DAY_MS;
  expect((await node.devices.rotation.check()).outcome).toBe('needs-wallet');

  await page.viewport(800, 1100);
  show(node, createElement('div', null, createElement(DeviceHygiene), createElement('form', { className: 'card' }, createElement(RotationCadence))));
  await expect.element(page.getByTestId('device-hygiene').getByText(/Key rotation is due/)).toBeVisible();
  await expect.element(page.getByTestId('hygiene-stale').getByText('key older than 30 days')).toBeVisible();
  await expect.element(page.getByTestId('rotation-next')).toHaveTextContent('Due now');
  await page.screenshot({ path: '../../../test-results/screenshots/key-rotation-due-wallet.png' });
  expect((await node.identity.status()).device.publicKey).toBe(key);
  await node.close();
}, 60_000);
