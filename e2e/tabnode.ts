// Driving peers through the app's Node API (window.tabnode), for steps a test does not
// need to click through.
import type { Page } from 'playwright-core';
import type { ContextView } from '../src/node/index.ts';

/** Wait for the node, then create a fresh local identity labelled `label`. */
export async function signIn(page: Page, label: string): Promise<void> {
  await page.waitForFunction(() => window.tabnode !== undefined);
  await page.evaluate(async (l) => {
    const n = window.tabnode!;
    await n.identity.useLocalRoot(n.identity.newPhrase(), l);
  }, label);
}

export function contextView(page: Page, id: string): Promise<ContextView> {
  return page.evaluate((i) => window.tabnode!.contexts.open(i).view(), id);
}
