// The opening bar rendered in Chromium: how far a long history's load got, in words and as a
// progress bar, and that the data under it is the last snapshot's.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { page } from 'vitest/browser';
import '../styles.css';
import { OpeningBar } from './OpeningBar.tsx';

function render(opening: { have: number; expected?: number }) {
  document.body.replaceChildren();
  const host = document.body.appendChild(document.createElement('main'));
  host.style.width = '40rem';
  createRoot(host).render(createElement(OpeningBar, { opening }));
}

test('while the stored ops are read: no count yet, an empty bar', async () => {
  render({ have: 0 });
  const bar = page.getByTestId('opening');
  await expect.element(bar).toHaveTextContent(/Opening: reading the history stored here…/);
  expect((bar.getByRole('progressbar').element() as HTMLProgressElement).value).toBe(0);
});

test('part-way: how many of the stored ops are loaded, and the bar at that point', async () => {
  render({ have: 34_816, expected: 100_005 });
  const bar = page.getByTestId('opening');
  await expect.element(bar).toHaveTextContent(/Opening: 34,816 of 100,005 stored ops loaded/);
  await expect.element(bar).toHaveTextContent(/The data below is from its last snapshot; changes you make are saved once it has loaded/);
  const progress = bar.getByRole('progressbar', { name: 'Opening progress' }).element() as HTMLProgressElement;
  expect([progress.value, progress.max]).toEqual([34_816, 100_005]);
  await bar.screenshot({ path: '../../../test-results/screenshots/opening-bar.png' });
});
