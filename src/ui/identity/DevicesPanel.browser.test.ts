// The devices panel rendered in Chromium over a real node: revoking another device asks
// first (a revocation cannot be undone); Cancel leaves it, confirming revokes it.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { laptopWithAbsentPhone } from '../../node/hygieneScenario.testing.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { DevicesPanel } from './DevicesPanel.tsx';

test('revoking a device asks first; Cancel keeps it, confirming revokes it', async () => {
  const { laptop, phoneKey } = await laptopWithAbsentPhone();
  const status = await laptop.identity.status();
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: laptop }, createElement(DevicesPanel, { status })));

  const revoke = page.getByRole('button', { name: 'Revoke…' });
  await expect.element(revoke).toBeVisible();
  await revoke.click();
  const dialog = page.getByRole('dialog', { name: 'Revoke Phone?' });
  await expect.element(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect.element(dialog).not.toBeInTheDocument();
  expect((await laptop.devices.list()).find((d) => d.key === phoneKey)?.revoked).toBe(false);

  await revoke.click();
  await page.getByRole('dialog', { name: 'Revoke Phone?' }).getByRole('button', { name: 'Revoke device' }).click();
  await expect.poll(async () => (await laptop.devices.list()).find((d) => d.key === phoneKey)?.revoked, { timeout: 20_000 }).toBe(true);
  await laptop.close();
}, 60_000);
