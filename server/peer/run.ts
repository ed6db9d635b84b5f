// The peer: one persistent Chromium profile, one page per Tabnode site, every context held
// there relayed, a status line per context every few seconds.
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium, HOW_TO_INSTALL } from '../../scripts/chromium.mjs';
import { readRelayLink, type RelayLink } from './links.ts';
import { PEER_LIMITS, type PeerOptions } from './options.ts';
import { contextStatuses, ensureIdentity, heldContexts, joinByLink, openSite, renewIfExpiring } from './page.ts';
import { loadPeerState, savePeerState } from './state.ts';
import { formatStatus, shortId } from './status.ts';

/** Why the peer cannot start (or run on): the message says what to do. */
export class PeerError extends Error {
  override name = 'PeerError';
}

export interface Log {
  info(line: string): void;
  error(line: string): void;
}

export interface RunningPeer {
  /** Closes the browser (its profile is flushed to disk) and stops the status lines. */
  stop(): Promise<void>;
  /** Settles when the browser went away by itself (a crash), not by `stop`. */
  lost: Promise<void>;
}

export async function runPeer(options: PeerOptions, log: Log): Promise<RunningPeer> {
  const links = await checkLinks(options.links);
  const state = await loadPeerState(options.dataDir);
  const origins = [...new Set([...state.origins, ...links.map((l) => l.origin)])];
  if (origins.length === 0) throw new PeerError(`nothing to relay: pass a relay invite link (first run), or the --data of an earlier run (${options.dataDir} holds none)`);
  if (origins.length > PEER_LIMITS.origins) throw new PeerError(`at most ${PEER_LIMITS.origins} Tabnode sites per peer process; run another with its own --data`);

  const browser = await launch(options.dataDir);
  let stopping = false;
  const lost = new Promise<void>((resolve) => browser.on('close', () => !stopping && resolve()));
  try {
    const pages = await openSites(browser, origins, links, options.label, log);
    await savePeerState(options.dataDir, { version: 1, origins: [...pages.keys()] });
    const timer = setInterval(() => void printStatus(pages, log), options.statusMs);
    void printStatus(pages, log);
    const renewal = setInterval(() => void renewDelegations(pages, log), RENEW_CHECK_MS);
    void renewDelegations(pages, log);
    return {
      lost,
      async stop() {
        stopping = true;
        clearInterval(timer);
        clearInterval(renewal);
        await browser.close();
      },
    };
  } catch (e) {
    stopping = true;
    await browser.close();
    throw e;
  }
}

/** Every link checked before the browser starts: one bad link stops the run, naming each. */
async function checkLinks(texts: string[]): Promise<RelayLink[]> {
  const now = Date.now();
  const read = await Promise.allSettled(texts.map((t) => readRelayLink(t, now)));
  const bad = read.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (bad.length) throw new PeerError(bad.join('\n'));
  return read.map((r) => (r as PromiseFulfilledResult<RelayLink>).value);
}

async function launch(dataDir: string): Promise<BrowserContext> {
  const executablePath = findChromium();
  if (!executablePath) throw new PeerError(HOW_TO_INSTALL);
  const profile = join(dataDir, 'profile');
  try {
    // Signals are ours to handle (main.ts): Playwright's own handlers would kill the browser
    // before its profile is flushed, or exit the process under us.
    return await chromium.launchPersistentContext(profile, {
      executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    throw new PeerError(`Chromium at ${executablePath} did not start with the profile ${profile} (${(e as Error).message.split('\n')[0]}): is another peer running with this --data?`);
  }
}

/** Opens each site, signs in, and joins the links not joined before; returns the pages that opened. */
async function openSites(browser: BrowserContext, origins: string[], links: RelayLink[], label: string, log: Log): Promise<Map<string, Page>> {
  const pages = new Map<string, Page>();
  let held = 0;
  for (const origin of origins) {
    let page: Page;
    try {
      page = await openSite(browser, origin);
    } catch (e) {
      log.error((e as Error).message);
      continue;
    }
    pages.set(origin, page);
    const root = await ensureIdentity(page, label);
    const here = new Set(await heldContexts(page));
    held += here.size;
    log.info(`${origin}: signed in as ${root}, ${here.size} ${here.size === 1 ? 'context' : 'contexts'} held from earlier runs`);
    for (const l of links.filter((x) => x.origin === origin)) {
      if (here.has(l.contextId)) {
        log.info(`${shortId(l.contextId)} ${JSON.stringify(l.contextName)}: joined on an earlier run, reopened (the link is not used again)`);
        continue;
      }
      if (held >= PEER_LIMITS.contexts) {
        log.error(`${shortId(l.contextId)} ${JSON.stringify(l.contextName)}: not joined, this peer already relays ${PEER_LIMITS.contexts} contexts (run another with its own --data)`);
        continue;
      }
      const joined = await joinByLink(page, l.link);
      if (!joined.ok) {
        log.error(`${shortId(l.contextId)} ${JSON.stringify(l.contextName)}: cannot join: ${joined.problem}`);
        continue;
      }
      here.add(joined.id);
      held++;
      log.info(`${shortId(l.contextId)} ${JSON.stringify(l.contextName)}: joining as a relay`);
    }
  }
  if (pages.size === 0) throw new PeerError('no Tabnode site could be reached; see the errors above');
  return pages;
}

/** How often the peer looks at its delegations' expiry (they last 90 days, warned 14 days ahead). */
const RENEW_CHECK_MS = 3_600_000;

async function renewDelegations(pages: Map<string, Page>, log: Log): Promise<void> {
  for (const [origin, page] of pages) {
    try {
      const ended = await renewIfExpiring(page);
      if (ended !== undefined) log.info(`${origin}: renewed this relay's delegation (it ended or was to end ${new Date(ended).toISOString()})`);
    } catch (e) {
      if (!page.isClosed()) log.error(`${origin}: could not renew this relay's delegation: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}

let printing = false;

async function printStatus(pages: Map<string, Page>, log: Log): Promise<void> {
  // A slow page must not pile up reads: skip a tick rather than overlap.
  if (printing) return;
  printing = true;
  try {
    for (const [origin, page] of pages) {
      try {
        for (const s of await contextStatuses(page)) log.info(formatStatus(s, new Date()));
      } catch (e) {
        if (!page.isClosed()) log.error(`${origin}: could not read the node's status: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    printing = false;
  }
}
