// The console's event list rendered in Chromium: each event says who made it by name (a
// member's device label, or "you"), a short id only when nobody by that id is known, and
// the full root id only as the tooltip.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type { EventView, MemberView, TabnodeNode } from '../../node/index.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { EventStream } from './EventStream.tsx';

const alice = 'tabnode:local:4wipFsGd8qLKt2mUeXo7bN3cVy5RzHaJ';
const bob = 'tabnode:local:9TkQbWvRn2sLpE6yXcM4uAfZd8GhJiKo';
const stranger = 'tabnode:local:7HyUeWqPa3sDfGh5jKlZx9cVbNm2QwEr';

const member = (root: string, label: string, me: boolean): MemberView => ({ root, role: 'writer', me, online: true, devices: [{ key: `${label}-key`, label, revoked: false }] }) as MemberView;
const event = (name: string, executor: string, at: number): EventView => ({ name, payload: '{"key":"greeting"}', hashed: false, executor, at });

/** Just what the event list reads of a node: a context's events and its members. */
function nodeWith(events: EventView[], members: MemberView[]): TabnodeNode {
  const context = { events: async () => events, view: async () => ({ members }) };
  return { onChange: () => () => {}, contexts: { open: () => context } } as unknown as TabnodeNode;
}

test('events name their executor: a member by name, this node as "you", an unknown one by a short id', async () => {
  const node = nodeWith([event('set', bob, 1), event('set', alice, 2), event('set', stranger, 3)], [member(alice, 'Alice laptop', true), member(bob, 'Bob laptop', false)]);
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: node }, createElement(EventStream, { contextId: 'c' })));

  await expect.element(page.getByText('by Bob laptop')).toBeVisible();
  await expect.element(page.getByText('by you')).toBeVisible();
  await expect.element(page.getByText('by 7HyUeW…QwEr')).toBeVisible();
  expect(page.getByText('by Bob laptop').element().getAttribute('title')).toBe(bob);
  const shown = (page.getByTestId('events').element() as HTMLElement).innerText;
  expect(shown).not.toContain('tabnode:');
  expect(shown).not.toContain('9TkQbW');
  await page.getByTestId('events').screenshot({ path: '../../../test-results/screenshots/console-events-names.png' });
});
