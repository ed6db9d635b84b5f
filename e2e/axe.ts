// axe-core over a page as it is shown now. Add a page or dialog to the a11y test by
// calling `expectAccessible(page, 'what it is')` once it is on screen.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Most nodes named per violation: enough to find it, without pages of selectors. */
const MAX_NODES_SHOWN = 5;

/** The WCAG 2.x A/AA rules and axe's best practices: what a careful user would expect. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** One line per violation: rule, impact, help, and where (selectors of the first nodes). */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations.map((v) => {
    const where = v.nodes.slice(0, MAX_NODES_SHOWN).map((n) => n.target.join(' ')).join(', ');
    return `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${where}${v.nodes.length > MAX_NODES_SHOWN ? ` and ${v.nodes.length - MAX_NODES_SHOWN} more` : ''}`;
  });
}

/** Fails with the list of violations, named by `what` (e.g. "invite dialog at 375 px"). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await axeViolations(page), `axe violations on ${what}`).toEqual([]);
}
