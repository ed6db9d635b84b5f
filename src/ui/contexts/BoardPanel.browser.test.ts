// The team board rendered in Chromium: a task's creator and assignee by the names people
// know (a live device's label, never a revoked one's), a root nobody here names cut short.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type { ContextView, TabnodeNode } from '../../node/index.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { BoardPanel } from './BoardPanel.tsx';

const alice = 'tabnode:local:4wipFsGd8qLKt2mUeXo7bN3cVy5RzHaJ';
const bob = 'tabnode:local:9TkQbWvRn2sLpE6yXcM4uAfZd8GhJiKo';
const gone = 'tabnode:local:7HyUeWqPa3sDfGh5jKlZx9cVbNm2QwEr';

const view = {
  id: 'c',
  myRoot: alice,
  myRole: 'writer',
  joining: false,
  members: [
    { root: alice, role: 'owner', me: true, online: true, devices: [{ key: 'a', label: 'Alice laptop', revoked: false }] },
    { root: bob, role: 'writer', me: false, online: true, devices: [{ key: 'b0', label: 'Bob old phone', revoked: true }, { key: 'b1', label: 'Bob laptop', revoked: false }] },
  ],
} as unknown as ContextView;

const tasks = [
  { id: 't1', title: 'Ship it', status: 'todo', creator: bob, assignee: gone },
  { id: 't2', title: 'Review it', status: 'doing', creator: gone, assignee: null },
];

/** Just what the board reads of a node: the app's task list. */
const node = { onChange: () => () => {}, contexts: { open: () => ({ call: async () => ({ output: tasks }) }) } } as unknown as TabnodeNode;

test('tasks name their creator and assignee by a live device, else by a short id, never a raw root', async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: node }, createElement(BoardPanel, { view, onOutcome: () => {} })));

  const ship = page.getByRole('listitem').filter({ hasText: 'Ship it' });
  await expect.element(ship.getByTestId('task-creator')).toHaveTextContent('Bob laptop');
  expect(ship.getByTestId('task-creator').element().getAttribute('title')).toBe(bob);
  await expect.element(ship.getByText('7HyUeW…QwEr')).toBeVisible();
  await expect.element(page.getByRole('listitem').filter({ hasText: 'Review it' }).getByTestId('task-creator')).toHaveTextContent('7HyUeW…QwEr');
  expect([...(page.getByLabelText('Assignee').element() as HTMLSelectElement).options].map((o) => o.text)).toEqual(['nobody', 'Alice laptop', 'Bob laptop']);

  const shown = (page.getByRole('region', { name: 'Board' }).element() as HTMLElement).innerText;
  expect(shown).not.toContain('tabnode:');
  expect(shown).not.toContain('Bob old phone');
});
