import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './main.ts';
import type { RunningServer } from './main.ts';
import { ConnectSrcError } from './securityHeaders.ts';

let dist: string;
let server: RunningServer;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'tabnode-main-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'main-Bq3xY_9z.js'), 'console.log(1)');
  server = await startServer({ port: 0, distDir: dist, connectSrc: ['https://rpc.example.org/v1'] });
});

afterAll(async () => {
  await server?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('every response carries the security headers', () => {
  const responses: [string, string, RequestInit?][] = [
    ['the app page', '/'],
    ['an app route', '/join'],
    ['a script', '/assets/main-Bq3xY_9z.js'],
    ['a missing file', '/nope.js'],
    ['a refused method', '/', { method: 'POST' }],
    ['a malformed path', '/%E0%A4%A'],
    ['a plain GET on the signaling path', '/signal'],
  ];
  for (const [what, path, init] of responses) {
    it(what, async () => {
      const response = await fetch(new URL(path, server.url), init);
      const csp = response.headers.get('content-security-policy');
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self' wss://relay.walletconnect.org https://rpc.example.org;");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('permissions-policy')).toContain('camera=()');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  }

  it('reports the connect-src in force', () => {
    expect(server.connectSrc).toEqual(["'self'", 'wss://relay.walletconnect.org', 'https://rpc.example.org']);
  });

  it('does not start with a connect-src entry it cannot put in a policy', async () => {
    await expect(startServer({ port: 0, distDir: dist, connectSrc: ['rpc.example.org'] })).rejects.toThrow(ConnectSrcError);
  });
});
