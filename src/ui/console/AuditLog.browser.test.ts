// The console's audit log rendered in Chromium: op kinds, verdicts and executors read as
// plain words and names; kinds, reason codes and root ids stay in the tooltips.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { UNKNOWN_EXECUTOR, type AuditEntry, type MemberView, type TabnodeNode } from '../../node/index.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { AuditLog } from './AuditLog.tsx';

const alice = 'tabnode:local:4wipFsGd8qLKt2mUeXo7bN3cVy5RzHaJ';
const bob = 'tabnode:local:9TkQbWvRn2sLpE6yXcM4uAfZd8GhJiKo';
const former = 'tabnode:local:7HyUeWqPa3sDfGh5jKlZx9cVbNm2QwEr';
const at = Date.UTC(2026, 11, 7, 14, 5);

const member = (root: string, label: string, me: boolean): MemberView => ({ root, role: 'writer', me, online: true, devices: [{ key: `${label}-key`, label, revoked: false }] }) as MemberView;
const entries: AuditEntry[] = [
  { key: 'k1', kind: 'rotate-epoch', executor: bob, device: 'Bob laptop', time: at, valid: true },
  { key: 'k2', kind: 'set-role', executor: former, device: 'Old phone', time: at + 1, valid: false, reason: 'insufficient-role' },
  { key: 'k3', kind: 'delta', executor: alice, device: 'Alice laptop', time: at + 2, valid: true, call: 'set', verification: 'confirmed' },
  { key: 'k4', kind: 'leave', executor: UNKNOWN_EXECUTOR, device: 'cc01cc01cc01', time: at + 3, valid: false, reason: 'unknown-key' },
];

/** Just what the audit log reads of a node: a context's audit and its members. */
function nodeWith(members: MemberView[]): TabnodeNode {
  // No view(): the log reads the members alone, not the whole view on every change.
  const context = { audit: async () => entries, members: async () => members };
  return { onChange: () => () => {}, contexts: { open: () => context } } as unknown as TabnodeNode;
}

test('the audit log says what each op did, who did it and why it was refused, in words', async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  const node = nodeWith([member(alice, 'Alice laptop', true), member(bob, 'Bob laptop', false)]);
  createRoot(host).render(createElement(NodeContext.Provider, { value: node }, createElement(AuditLog, { contextId: 'c' })));

  const table = page.getByTestId('audit');
  await expect.element(table.getByText('Encryption key renewed')).toBeVisible();
  await expect.element(table.getByText('you')).toBeVisible();
  const row = (key: string) => table.element().querySelector(`tr[data-key="${key}"]`) as HTMLElement;
  expect(row('k1').innerText).toContain('Bob laptop');
  expect(row('k2').innerText).toContain('Role changed');
  expect(row('k2').innerText).toContain('7HyUeW…QwEr');
  expect(table.getByText('Role does not allow it').element().getAttribute('title')).toBe('insufficient-role');
  expect(table.getByText('Encryption key renewed').element().getAttribute('title')).toBe('rotate-epoch');
  expect(row('k3').innerText).toContain('Re-run agrees');
  expect(row('k4').innerText).toContain('someone not known here');
  expect(row('k4').innerText).toContain('a device not known here');
  expect(row('k4').innerText).toContain('Device not known');

  const shown = (table.element() as HTMLElement).innerText;
  for (const raw of ['rotate-epoch', 'set-role', 'insufficient-role', 'unknown-key', 'tabnode:', '(unknown key)', 'cc01', 're-run confirmed']) expect(shown).not.toContain(raw);
  await page.getByTestId('audit').screenshot({ path: '../../../test-results/screenshots/console-audit-words.png' });
});
