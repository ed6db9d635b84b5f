// The node in one page of the peer's browser, driven through its Node API (window.tabnode),
// as the end-to-end tests drive it.
import type { BrowserContext, Page } from 'playwright-core';
import type { ContextStatus } from './status.ts';

/** How long a site gets to load and start its node. */
const SITE_TIMEOUT_MS = 30_000;

export class PeerSiteError extends Error {
  override name = 'PeerSiteError';
}

/** Opens `origin`'s app in a new page and waits for its node; the error says what failed. */
export async function openSite(browser: BrowserContext, origin: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error(`[${origin}] page error: ${err.message}`));
  try {
    await page.goto(`${origin}/`, { timeout: SITE_TIMEOUT_MS });
  } catch (e) {
    await page.close();
    throw new PeerSiteError(`could not reach ${origin} (${firstLine(e)}): is the Tabnode server running there?`);
  }
  try {
    await page.waitForFunction(() => window.tabnode !== undefined, null, { timeout: SITE_TIMEOUT_MS });
  } catch {
    await page.close();
    throw new PeerSiteError(`${origin} answered, but no Tabnode node started in its page within ${SITE_TIMEOUT_MS / 1000} s: is it a Tabnode site?`);
  }
  return page;
}

/** This profile's identity on the site: the one made on an earlier run, else a new local root. */
export function ensureIdentity(page: Page, label: string): Promise<string> {
  return page.evaluate(async (l) => {
    const node = window.tabnode!;
    const status = await node.identity.status();
    if (status.root) return status.root.id;
    return (await node.identity.useLocalRoot(node.identity.newPhrase(), l)).root!.id;
  }, label);
}

/**
 * Renews this device's delegation when it ends within the warning time or has ended (a
 * person would click Renew on the Identity page): members stop admitting an expired one.
 * Returns the old end, when it renewed.
 */
export function renewIfExpiring(page: Page): Promise<number | undefined> {
  return page.evaluate(async () => {
    const node = window.tabnode!;
    const d = (await node.identity.status()).delegation;
    if (!d || (!d.expiringSoon && d.daysLeft > 0)) return undefined;
    await node.devices.renew();
    return d.expiresAt;
  });
}

/** The contexts the profile holds on this site (each is opened: held means relayed). */
export function heldContexts(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await window.tabnode!.contexts.list()).map((c) => c.id));
}

/** Joins by the link; a refusal comes back as the node's own words (expired, damaged, …). */
export function joinByLink(page: Page, link: string): Promise<{ ok: true; id: string } | { ok: false; problem: string }> {
  return page.evaluate(async (l) => {
    try {
      return { ok: true as const, id: await window.tabnode!.contexts.join(l) };
    } catch (e) {
      return { ok: false as const, problem: e instanceof Error ? e.message : String(e) };
    }
  }, link);
}

/** What every context held on this site is doing now. */
export function contextStatuses(page: Page): Promise<ContextStatus[]> {
  return page.evaluate(async () => {
    const node = window.tabnode!;
    const out: ContextStatus[] = [];
    for (const { id } of await node.contexts.list()) {
      const v = await node.contexts.open(id).view();
      const departed = v.departure && (v.departure.how === 'left' ? 'left' : `removed by ${v.departure.by}`);
      out.push({
        id,
        name: v.name,
        ...(v.myRole ? { role: v.myRole } : {}),
        opCount: v.opCount,
        peers: v.peers.filter((p) => p.state === 'verified').length,
        joining: v.joining,
        ...(v.joinProblem ? { joinProblem: v.joinProblem } : {}),
        ...(v.catchUp ? { catchUp: { have: v.catchUp.have, expected: v.catchUp.expected } } : {}),
        ...(departed ? { departed } : {}),
      });
    }
    return out;
  });
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/^page\.goto: /, '');
}
