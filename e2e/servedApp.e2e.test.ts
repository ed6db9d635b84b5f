import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from './eventually.ts';
import { launchPeers, screenshot, startApp, takeCspViolations, type App, type Peers } from './harness.ts';
import { signIn } from './tabnode.ts';

/**
 * The served app as an attacker or a careful operator sees it: the headers on the wire
 * (what `curl -I` shows), compression, nothing but the app in the build, the whole app
 * working under its Content-Security-Policy, the invite secret gone from the history once
 * read, Settings warning about servers the policy forbids, and the signaling relay
 * refusing pages of other origins.
 */

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
/** An RPC the operator allowed (never contacted: only the policy check reads it). */
const ALLOWED_RPC = 'https://rpc.allowed.example';

let app: App;
let peers: Peers;
let A: Page, B: Page;

beforeAll(async () => {
  app = await startApp({ connectSrc: [ALLOWED_RPC] });
  peers = await launchPeers(2, { app, path: null });
  [A, B] = peers.peers.map((p) => p.page) as [Page, Page];
});

afterAll(async () => {
  await peers?.close();
  await app?.close();
});

/** `curl -I`: the status and headers of a HEAD request. */
async function head(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers }> {
  const response = await fetch(new URL(path, app.url), { method: 'HEAD', headers });
  return { status: response.status, headers: response.headers };
}

describe('the served app', () => {
  test('every response carries the security headers (curl -I)', async () => {
    const { status, headers } = await head('/');
    expect(status).toBe(200);
    const csp = headers.get('content-security-policy')!;
    console.log(`curl -I ${app.url}\n${[...headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`);
    for (const directive of [
      "script-src 'self' 'wasm-unsafe-eval'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      `connect-src 'self' wss://relay.walletconnect.org ${ALLOWED_RPC}`,
    ]) {
      expect(csp).toContain(directive);
    }
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(headers.get('permissions-policy')).toContain('camera=()');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect((await head('/settings')).headers.get('content-security-policy')).toBe(csp);
  });

  test('the build holds the app only, compressed on the wire: no source maps, no benchmark page', async () => {
    const assets = readdirSync(join(DIST, 'assets'));
    expect(assets.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readdirSync(DIST)).not.toContain('bench.html');
    expect((await head('/bench.html')).status).toBe(404);
    const main = assets.find((f) => /^main-.*\.js$/.test(f))!;
    expect(readFileSync(join(DIST, 'assets', main), 'utf8')).not.toContain('sourceMappingURL');
    expect((await head(`/assets/${main}.map`)).status).toBe(404);
    const compressed = await head(`/assets/${main}`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(compressed.headers.get('content-encoding')).toBe('br');
    expect(compressed.headers.get('vary')).toBe('Accept-Encoding');
  });

  test('the app runs under the policy: pages, invite QR code, a WASM app in its worker (no violation)', async () => {
    await A.goto(app.url);
    await signIn(A, 'Alice laptop');
    await A.reload();
    await A.getByLabel('Name').fill('Policy check');
    await A.getByLabel('App').selectOption('kv-store');
    await A.getByRole('button', { name: 'Create context' }).click();
    await A.getByTestId('context-name').waitFor();
    const id = new URL(A.url()).pathname.split('/').at(-1)!;
    // WebAssembly compiles in the runtime worker only because of 'wasm-unsafe-eval'.
    expect(await A.evaluate((i) => window.tabnode!.contexts.open(i).call('set', { key: 'k', value: 'v' }), id)).toMatchObject({ op: { valid: true } });
    expect((await A.evaluate((i) => window.tabnode!.contexts.open(i).call('get', { key: 'k' }), id)).output).toBe('v');
    await A.getByRole('button', { name: 'Invite…' }).click();
    await A.getByRole('button', { name: 'Make invite link' }).click();
    await A.getByRole('img', { name: 'QR code of the invite link' }).waitFor();
    await A.getByRole('button', { name: 'Close' }).click();
    for (const page of ['Console', 'Identity', 'Settings', 'Contexts']) {
      await A.getByRole('link', { name: page }).click();
      await A.getByRole('heading').first().waitFor();
    }
    // The harness does see violations: this one is provoked, then taken off the record.
    await A.evaluate(() => fetch('https://blocked.example/').catch(() => undefined));
    const seen = await eventually('the provoked violation', async () => takeCspViolations(), (v) => v.length > 0);
    expect(seen).toEqual([expect.stringMatching(/connect-src blocked https:\/\/blocked\.example/)]);
  });

  test('an invite leaves the address bar and history once read; joining still works', async () => {
    const contextId = await A.evaluate(async () => {
      const [first] = await window.tabnode!.contexts.list();
      return first!.id;
    });
    const link = await A.evaluate((i) => window.tabnode!.contexts.open(i).invite({ role: 'writer' }), contextId);
    const secret = new URL(link).hash;
    expect(secret.length).toBeGreaterThan(10);

    // B is not signed in yet: the join page waits for an identity, holding the invite.
    await B.goto(app.url);
    await B.goto(link);
    await B.getByTestId('invite-context').waitFor();
    expect(B.url()).toBe(new URL('/join', app.url).href);
    await signIn(B, 'Bob laptop');
    await B.getByRole('button', { name: 'Join' }).click();
    await B.getByTestId('context-name').waitFor();
    await eventually('B joined', () => B.evaluate((i) => window.tabnode!.contexts.open(i).view(), contextId), (v) => !v.joining && v.myRole === 'writer', 60_000);

    // Back: the join page again, without the secret in its address, still knowing the invite.
    await B.goBack();
    await B.getByTestId('invite-context').waitFor();
    expect(B.url()).toBe(new URL('/join', app.url).href);
    expect(await B.evaluate(() => location.hash)).toBe('');
  });

  test('Settings say which servers the policy forbids, and how the operator allows them', async () => {
    await B.goto(new URL('/settings', app.url).href);
    await B.getByRole('heading', { name: 'Network and wallet settings' }).waitFor();
    expect(await B.getByTestId('policy-blocked').count()).toBe(0);
    await B.getByLabel('Ethereum RPC (optional)').fill(ALLOWED_RPC);
    await B.getByLabel('Starknet RPC (optional)').fill('https://rpc.elsewhere.example/v1');
    const warning = B.getByTestId('policy-blocked');
    await warning.waitFor();
    const text = await warning.textContent();
    expect(text).toContain('https://rpc.elsewhere.example/v1 (Starknet RPC)');
    expect(text).toContain('adding https://rpc.elsewhere.example to TABNODE_CONNECT_SRC');
    expect(text).not.toContain(ALLOWED_RPC);
    await screenshot(B, 'settings-outside-policy');
    await B.getByLabel('Starknet RPC (optional)').fill('');
    await eventually('the warning gone', () => warning.count(), (n) => n === 0);
  });

  test('the signaling relay takes pages of its own origin and refuses other sites', async () => {
    const other = await startApp({ connectSrc: [app.signalingUrl] });
    try {
      const open = (page: Page) =>
        page.evaluate(
          (url) =>
            new Promise<string>((resolve) => {
              const ws = new WebSocket(url);
              ws.onopen = () => {
                ws.close();
                resolve('open');
              };
              ws.onclose = () => resolve('refused');
            }),
          app.signalingUrl,
        );
      expect(await open(B)).toBe('open');
      await B.goto(other.url);
      expect(await open(B)).toBe('refused');
    } finally {
      await B.goto('about:blank');
      await other.close();
    }
  });
});
