// The helper every e2e test uses: start the real server on a free port, launch Chromium
// peers against it, take screenshots.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer } from '../server/main.ts';
import type { StartServerOptions } from '../server/main.ts';
import type { ChainStatus } from '../server/chain/chainService.ts';
import { CHROMIUM_ARGS, findChromium, HOW_TO_INSTALL } from './chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

export class HarnessError extends Error {
  override name = 'HarnessError';
}

export interface App {
  /** Base URL of the served app, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** The app's own signaling endpoint, e.g. ws://127.0.0.1:41234/signal */
  signalingUrl: string;
  /** The chain at `${url}chain` once settled (set by startApp; kind none unless given `chain`). */
  chain?: Promise<ChainStatus>;
  close(): Promise<void>;
}

/**
 * Serves the built app (dist/) and signaling on a free loopback port, with the production
 * security headers: servers a test starts (relays, RPCs) go in `connectSrc`. `chain` serves
 * a chain at /chain: a test's own Hardhat node as `{ rpcUrl, registry, chainId, faucet: true }`,
 * or 'local' for the embedded one (about 2 s more); none by default.
 */
export async function startApp(options: Pick<StartServerOptions, 'distDir' | 'signaling' | 'connectSrc' | 'chain' | 'chainService'> = {}): Promise<App> {
  const server = await startServer({ ...options, port: 0, host: '127.0.0.1' });
  return { url: server.url, signalingUrl: server.signalingUrl, chain: server.chain, close: () => server.close() };
}

export interface Peer {
  /** e.g. "peer1"; prefixes this peer's forwarded console output. */
  name: string;
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far, for assertions. */
  errors: string[];
}

export interface Peers {
  peers: Peer[];
  close(): Promise<void>;
}

export interface LaunchPeersOptions {
  app: App;
  /** One Chromium process per peer instead of one shared browser with a context per peer. */
  separateProcesses?: boolean;
  /** Name prefix: peers are `${name}1`, `${name}2`, ... Default "peer". */
  name?: string;
  /** Path (relative to app.url) each peer opens; null opens nothing. Default "/". */
  path?: string | null;
}

/** One headless Chromium with the project's flags, or a HarnessError saying how to get one. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) return Promise.reject(new HarnessError(HOW_TO_INSTALL));
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true }).catch((err: unknown) => {
    throw new HarnessError(`Chromium at ${executablePath} failed to launch: ${String(err)}\n${HOW_TO_INSTALL}`);
  });
}

/** Launches n isolated browser peers (separate storage each), each with one page on the app. */
export async function launchPeers(n: number, options: LaunchPeersOptions): Promise<Peers> {
  const launch = launchBrowser;

  const browsers: Browser[] = [];
  const peers: Peer[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(peers.map((p) => p.context.close()));
    await Promise.allSettled(browsers.map((b) => b.close()));
  };

  try {
    // Separate processes start in parallel: launching dominates the set-up time.
    const launched = await Promise.allSettled(
      Array.from({ length: options.separateProcesses ? n : 1 }, () => launch()),
    );
    for (const result of launched) if (result.status === 'fulfilled') browsers.push(result.value);
    const failed = launched.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (let i = 1; i <= n; i++) {
      const browser = browsers[options.separateProcesses ? i - 1 : 0]!;
      const context = await browser.newContext();
      const name = `${options.name ?? 'peer'}${i}`;
      const errors: string[] = [];
      // 'page' also fires for newPage() below, so every page of the peer is covered once.
      context.on('page', (page) => forwardErrors(name, errors, page));
      peers.push({ name, page: await context.newPage(), context, errors });
    }
    const path = options.path === undefined ? '/' : options.path;
    if (path !== null) {
      const url = new URL(path, options.app.url).href;
      await Promise.all(peers.map((p) => p.page.goto(url)));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { peers, close };
}

/** Every Content-Security-Policy violation any page reported in this test file, in order. */
const cspViolations: string[] = [];
/** Enough to see what broke; a page stuck in a loop must not fill the memory. */
const MAX_CSP_VIOLATIONS = 100;

/** Empties and returns the violations recorded so far (e2e/failOnCspViolation.ts asserts none). */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

// Runs in every document before its scripts: the browser fires securitypolicyviolation on
// the document for anything the policy blocks; the console carries it out to the harness.
const CSP_MARK = 'Content-Security-Policy violation:';
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error(${JSON.stringify(CSP_MARK)} + ' ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') +
    ' at ' + (e.sourceFile || location.href) + ':' + e.lineNumber + (e.sample ? ' sample ' + JSON.stringify(e.sample) : ''));
});`;

/**
 * Collects `page`'s console errors and uncaught errors into `errors`, echoed with `name`,
 * and records its Content-Security-Policy violations (which fail the running test). Call
 * it before the page navigates: the violation listener is installed for later documents.
 */
export function forwardErrors(name: string, errors: string[], page: Page): void {
  const report = (line: string): void => {
    errors.push(line);
    console.error(`[${name}] ${line}`);
  };
  page.addInitScript({ content: REPORT_CSP_VIOLATIONS }).catch((err: unknown) => {
    if (!page.isClosed()) report(`harness: could not watch for CSP violations: ${String(err)}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // For failed loads the text omits the URL; the location names it.
    const where = msg.location().url;
    const text = msg.text();
    if (text.startsWith(CSP_MARK) && cspViolations.length < MAX_CSP_VIOLATIONS) cspViolations.push(`[${name}] ${text}`);
    report(`console.error: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => report(`pageerror: ${err.stack ?? err.message}`));
}

/**
 * The errors a test should see none of: every page error and console error, less the
 * browser's own note that a WebSocket could not connect (a signaling server that is down
 * or restarting, which the mesh retries).
 */
export function unexpectedErrors(peers: { errors: string[] }[]): string[] {
  return peers.flatMap((p) => p.errors).filter((e) => !/^console\.error: WebSocket connection to '[^']*' failed/.test(e));
}

/** A loopback TCP port nothing listens on now (taken, then freed). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Saves a full-page PNG to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
