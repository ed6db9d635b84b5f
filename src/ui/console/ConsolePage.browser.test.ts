// The console's call result rendered in Chromium: an op the rules refused says why in
// words, its reason code kept as the tooltip.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { CallOutcome, TabnodeNode } from '../../node/index.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { ConsolePage } from './ConsolePage.tsx';

const refused: CallOutcome = { output: null, op: { key: 'k1', valid: false, reason: 'insufficient-role', message: 'a reader may not write' }, events: [], logs: [], ms: 3 };

/** Just what the console reads of a node: one context, one method, a call the rules refuse. */
function nodeWith(outcome: CallOutcome): TabnodeNode {
  const context = {
    methods: async () => [{ name: 'clear', kind: 'mutation', args: {} }],
    call: async () => outcome,
    events: async () => [],
    audit: async () => [],
    members: async () => [],
    view: async () => ({ members: [] }),
  };
  return { onChange: () => () => {}, contexts: { list: async () => [{ id: 'c', name: 'Team' }], open: () => context } } as unknown as TabnodeNode;
}

test('a refused op reads as why, in words; the code is the tooltip', async () => {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: nodeWith(refused) }, createElement(ConsolePage)));

  await expect.element(page.getByRole('option', { name: 'clear (mutation)' })).toBeInTheDocument();
  await userEvent.click(page.getByRole('button', { name: 'Call' }));
  const badge = page.getByTestId('console-result').getByText('op refused: role does not allow it');
  await expect.element(badge).toBeVisible();
  expect(badge.element().getAttribute('title')).toBe('insufficient-role');
  expect((page.getByTestId('console-result').element() as HTMLElement).innerText).not.toContain('insufficient-role');
});
