// The members panel rendered in Chromium with a node whose role change fails: the failure
// is reported through the panel's outcome, in words, whether the change asked first or not.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type { ContextView, TabnodeNode } from '../../node/index.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { MembersPanel } from './MembersPanel.tsx';

const me = 'tabnode:local:4wipFsQbWvRn2sLpE6yXcM4uAfZd8Gx9Qe';
const bob = 'tabnode:local:9TkQbWvRn2sLpE6yXcM4uAfZd8GhJiKo';

const view = {
  id: 'c',
  myRoot: me,
  myRole: 'owner',
  origins: [],
  members: [
    { root: me, role: 'owner', me: true, online: true, devices: [{ key: 'a', label: 'My laptop', revoked: false }] },
    { root: bob, role: 'writer', me: false, online: true, devices: [{ key: 'b', label: 'Bob laptop', revoked: false }] },
  ],
} as unknown as ContextView;

/** A node whose setRole throws (stopped mid-change), as the real one does on a closed store. */
const failing = {
  contexts: {
    open: () => ({
      setRole: () => Promise.reject(new Error('the node is stopped: reload the page')),
    }),
  },
} as unknown as TabnodeNode;

function render(onOutcome: (text: string, ok: boolean, detail?: string) => void) {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: failing }, createElement(MembersPanel, { view, onOutcome })));
}

test('a role change that throws is reported as not done, raising or lowering (after the dialog closed)', async () => {
  const outcomes: { text: string; ok: boolean }[] = [];
  render((text, ok) => outcomes.push({ text, ok }));

  // Raising does not ask: the error still reaches the outcome (not an unhandled rejection).
  await page.getByLabelText('Role of Bob laptop').selectOptions('admin');
  await expect.poll(() => outcomes).toEqual([{ text: 'Bob laptop is now an admin: not done. The node is stopped: reload the page.', ok: false }]);

  // Lowering asks; the dialog closes on confirm, so the outcome is where the error is told.
  await page.getByLabelText('Role of Bob laptop').selectOptions('reader');
  await page.getByRole('button', { name: 'Make reader' }).click();
  await expect.poll(() => outcomes.length).toBe(2);
  expect(outcomes[1]).toEqual({ text: 'Bob laptop is now a reader: not done. The node is stopped: reload the page.', ok: false });
  expect(document.querySelector('[data-testid="confirm-dialog"]')).toBeNull();
});

test('lowering a role says what the new role can do in its own words', async () => {
  render(() => {});
  await page.getByLabelText('Role of Bob laptop').selectOptions('reader');
  await expect.element(page.getByTestId('confirm-dialog')).toHaveTextContent('As a reader, they can only sync and read. Every member refuses');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.getByLabelText('Role of Bob laptop').selectOptions('relay');
  const dialog = page.getByTestId('confirm-dialog');
  await expect.element(dialog).toHaveTextContent('As a relay, they can only keep an always-on copy and forward every op, but not write, nor read once bodies are encrypted.');
  expect((dialog.element() as HTMLElement).innerText).not.toContain('do this:');
});
