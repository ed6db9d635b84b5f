// Driving the key/value panel of a context page the way a user does.
import type { Page } from 'playwright-core';
import { eventually } from './eventually.ts';

/** Types a key and a value, presses Set, and returns the outcome line once it names the key. */
export async function setKey(page: Page, key: string, value: string): Promise<string> {
  await page.getByLabel('Key', { exact: true }).fill(key);
  await page.getByLabel('Value (JSON or text)').fill(value);
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  return (await eventually('an outcome', () => page.getByTestId('outcome').textContent(), (t) => Boolean(t?.includes(key))))!;
}
