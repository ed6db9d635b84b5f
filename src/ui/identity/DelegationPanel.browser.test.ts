// The delegation panel rendered in Chromium over a real node: a certificate that is cut
// short, or changed after it was signed, is told in plain words; the checker's code and
// message (byte offsets, root ids) stay in the folded detail.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { fromBase64url, toBase64url } from '../../core/codec/index.ts';
import { delegationCodec, phraseFromEntropy } from '../../core/identity/index.ts';
import { memoryStore } from '../../core/store/index.ts';
import { memoryMeshHub } from '../../node/contexts/memoryMesh.ts';
import { realTimeScheduler } from '../../node/scheduler.ts';
import { bareTestNode } from '../../node/testing.ts';
import { NodeContext } from '../shell/nodeContext.ts';
import '../styles.css';
import { DelegationPanel } from './DelegationPanel.tsx';

test('an invalid certificate is told in plain words, the technical detail folded away', async () => {
  const node = await bareTestNode(memoryMeshHub(realTimeScheduler), 'Laptop', { store: memoryStore() });
  await node.identity.useLocalRoot(phraseFromEntropy(crypto.getRandomValues(new Uint8Array(16))), 'Laptop');
  const exported = (await node.identity.exportDelegation())!;
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  createRoot(host).render(createElement(NodeContext.Provider, { value: node }, createElement(DelegationPanel)));

  const result = page.getByTestId('delegation-check');
  async function check(text: string, words: string, reason: string): Promise<{ shown: string; detail: string }> {
    await page.getByLabelText('Check a certificate').fill(text);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.element(result, { timeout: 5000 }).toHaveTextContent(words);
    await expect.element(result).toHaveAttribute('data-reason', reason);
    const el = result.element() as HTMLElement;
    return { shown: el.innerText, detail: el.querySelector('details code')?.textContent ?? '' };
  }

  const cut = await check(exported.slice(0, 40), 'This certificate is damaged or incomplete: it cannot be read.', 'undecodable');
  expect(cut.shown).not.toMatch(/undecodable|byte|expected/);
  expect(cut.detail).toMatch(/^undecodable: not a delegation: .*\(at byte \d+\)/);

  const original = delegationCodec.decode(fromBase64url(exported));
  const tampered = { ...original, claims: { ...original.claims, label: 'Attacker laptop' } };
  const changed = await check(toBase64url(delegationCodec.encode(tampered)), 'This certificate was not signed by the identity it names: it was changed or forged.', 'bad-signature');
  expect(changed.shown).not.toMatch(/bad-signature|tabnode:/);
  expect(changed.detail).toMatch(/^bad-signature: /);

  await page.getByText('Details').click();
  await expect.element(page.getByText(/^undecodable|^bad-signature/)).toBeVisible();
  await result.screenshot({ path: '../../../test-results/screenshots/delegation-check-invalid.png' });
  await node.close();
}, 60_000);
