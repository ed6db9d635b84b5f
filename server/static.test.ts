import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeOf, createStaticHandler, StaticRootError } from './static.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes as sent (compressed when Content-Encoding says so). */
  raw: Buffer;
}

// Text that compresses well, as built JavaScript does.
const BUNDLE = `export function add(a, b) { return a + b; }\n`.repeat(400);

let base: string;
let server: Server;
let port: number;

beforeAll(async () => {
  // base/secret.txt sits outside the served root base/dist.
  base = mkdtempSync(join(tmpdir(), 'tabnode-static-'));
  const dist = join(base, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(dist, 'docs'));
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'bench.html'), '<!doctype html><title>bench</title>');
  writeFileSync(join(dist, 'docs', 'index.html'), '<!doctype html><title>docs</title>');
  writeFileSync(join(dist, 'assets', 'index-Bq3xY_9z.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'app.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
  writeFileSync(join(dist, 'assets', 'bundle-Bq3xY_9z.js'), BUNDLE);
  writeFileSync(join(dist, 'assets', 'noise.js'), randomBytes(4096));
  writeFileSync(join(dist, 'photo.png'), BUNDLE);
  symlinkSync(join(base, 'secret.txt'), join(dist, 'link.txt'));

  server = createServer(createStaticHandler(dist));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(base, { recursive: true, force: true });
});

/** Raw request: unlike fetch, node:http sends the path exactly as written (no ../ folding). */
function get(path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString(), raw });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static file serving', () => {
  it('serves index.html at / without long-term caching', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toContain('<title>app</title>');
  });

  it('serves hashed assets as immutable with the right content type', async () => {
    const r = await get('/assets/index-Bq3xY_9z.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.body).toBe('console.log(1)');
  });

  it('serves wasm as application/wasm, unhashed files revalidated', async () => {
    const r = await get('/assets/app.wasm');
    expect(r.headers['content-type']).toBe('application/wasm');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect((await get('/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
    expect(contentTypeOf('x.unknownext')).toBe('application/octet-stream');
  });

  it('serves other html entries and directory index files', async () => {
    expect((await get('/bench.html')).body).toContain('bench');
    expect((await get('/docs/')).body).toContain('docs');
    expect((await get('/docs')).body).toContain('docs');
  });

  it('falls back to index.html for app routes (SPA) but 404s for missing files', async () => {
    for (const route of ['/contexts/abc', '/join?x=1', '/deep/nested/route']) {
      const r = await get(route);
      expect(r.status, route).toBe(200);
      expect(r.body).toContain('<title>app</title>');
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    expect((await get('/assets/missing-12345678.js')).status).toBe(404);
    expect((await get('/nope.png')).status).toBe(404);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get('/favicon.svg');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const second = await get('/favicon.svg', { headers: { 'If-None-Match': etag! } });
    expect(second.status).toBe(304);
    expect(second.body).toBe('');
  });

  it('supports HEAD and refuses other methods', async () => {
    const head = await get('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const post = await get('/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('refuses path traversal in every spelling', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
    ]) {
      const r = await get(path);
      expect(r.body, path).not.toContain('TOP SECRET');
      expect(r.status, path).toBe(403);
    }
  });

  it('refuses symlinks leading outside the root and malformed paths', async () => {
    const link = await get('/link.txt');
    expect(link.body).not.toContain('TOP SECRET');
    expect(link.status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/a%00b')).status).toBe(400);
  });

  it('fails early with an actionable error when the app is not built', () => {
    expect(() => createStaticHandler(join(base, 'does-not-exist'))).toThrow(StaticRootError);
    expect(() => createStaticHandler(join(base, 'does-not-exist'))).toThrow(/vite build/);
  });
});

describe('compression', () => {
  const BUNDLE_PATH = '/assets/bundle-Bq3xY_9z.js';

  it('answers brotli to clients that take it, smaller and decoding to the file', async () => {
    const r = await get(BUNDLE_PATH, { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(Number(r.headers['content-length'])).toBe(r.raw.length);
    expect(r.raw.length).toBeLessThan(BUNDLE.length / 10);
    expect(brotliDecompressSync(r.raw).toString()).toBe(BUNDLE);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers gzip to clients that take only gzip, and the file as is to the others', async () => {
    const gz = await get(BUNDLE_PATH, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.raw).toString()).toBe(BUNDLE);
    const plain = await get(BUNDLE_PATH);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body).toBe(BUNDLE);
  });

  it('compresses the app page too, but not images or bytes that do not shrink', async () => {
    const accept = { 'Accept-Encoding': 'br' };
    expect((await get('/contexts/abc', { headers: accept })).headers['content-encoding']).toBe('br');
    const png = await get('/photo.png', { headers: accept });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    const noise = await get('/assets/noise.js', { headers: accept });
    expect(noise.headers['content-encoding']).toBeUndefined();
    expect(noise.raw.length).toBe(4096);
  });

  it('gives each encoding its own ETag and answers 304 to the one the client holds', async () => {
    const br = await get(BUNDLE_PATH, { headers: { 'Accept-Encoding': 'br' } });
    const plain = await get(BUNDLE_PATH);
    expect(br.headers.etag).not.toBe(plain.headers.etag);
    const again = await get(BUNDLE_PATH, { headers: { 'Accept-Encoding': 'br', 'If-None-Match': `"x", ${br.headers.etag!}` } });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);
    expect(again.headers.vary).toBe('Accept-Encoding');
    // The identity ETag does not validate the brotli representation.
    expect((await get(BUNDLE_PATH, { headers: { 'Accept-Encoding': 'br', 'If-None-Match': plain.headers.etag! } })).status).toBe(200);
  });

  it('answers HEAD with the compressed length and no body', async () => {
    const head = await get(BUNDLE_PATH, { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
    const full = await get(BUNDLE_PATH, { headers: { 'Accept-Encoding': 'br' } });
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.raw.length).toBe(0);
  });
});
