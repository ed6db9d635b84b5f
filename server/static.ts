// Serves the built app (dist/): GET/HEAD only, no path traversal, index.html fallback for
// client-side routes, long-lived caching only for content-hashed assets, text and WASM
// compressed (brotli or gzip, as the client accepts) once per file and kept in memory.
import { createReadStream, existsSync, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compressedAssets } from './compressedAssets.ts';
import type { CompressedAssets, CompressionLimits } from './compressedAssets.ts';
import { isCompressible, negotiateEncoding } from './contentEncoding.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export class StaticRootError extends Error {
  override name = 'StaticRootError';
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  // application/wasm is required for WebAssembly.instantiateStreaming.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

// Vite names built assets `name-<hash>.ext` (hash: 8+ base64url chars) under assets/.
const HASHED_ASSET = /^assets\/(?:.+\/)?[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** contentTypeOf('x.wasm') === 'application/wasm'; unknown extensions are octet-stream. */
export function contentTypeOf(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticOptions {
  compression?: CompressionLimits;
}

/** Returns a handler serving files under `rootDir`, which must contain index.html. */
export function createStaticHandler(rootDir: string, options: StaticOptions = {}): RequestHandler {
  const root = resolve(rootDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new StaticRootError(
      `${join(root, 'index.html')} not found: build the app first (\`npx vite build\`, or \`npm start\` builds it for you)`,
    );
  }
  // Compare against the real path so a symlink inside root cannot lead outside it.
  const realRoot = realpathSync(root);
  const compressed = compressedAssets(options.compression);

  return (req, res) => {
    serve(realRoot, compressed, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
      console.error('static: failed to serve', req.url, err);
    });
  };
}

async function serve(root: string, compressed: CompressedAssets, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'method not allowed');
  }
  const relPath = decodePath(req.url ?? '/');
  if (relPath === undefined) return sendText(res, 400, 'bad request path');

  const candidate = resolve(root, relPath);
  if (!isInside(root, candidate)) return sendText(res, 403, 'forbidden');

  const found = await findFile(root, candidate);
  if (found) return sendFile(req, res, compressed, found.path, found.stats, cacheControlFor(relative(root, found.path)));
  // Paths that name a file (have an extension) are real misses; others are app routes.
  if (extname(relPath) !== '') return sendText(res, 404, 'not found');
  const index = join(root, 'index.html');
  return sendFile(req, res, compressed, index, await stat(index), 'no-cache');
}

/** The URL path as a relative filesystem path, or undefined if it is malformed. */
function decodePath(url: string): string | undefined {
  const rawPath = url.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  // Treat backslashes as separators too, so `..\\` cannot slip past on any platform.
  return decoded.replaceAll('\\', '/').replace(/^\/+/, '');
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function findFile(root: string, candidate: string): Promise<{ path: string; stats: Stats } | undefined> {
  for (const path of [candidate, join(candidate, 'index.html')]) {
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined || !isInside(root, real)) continue;
    const stats = await stat(real).catch(() => undefined);
    if (stats?.isFile()) return { path: real, stats };
  }
  return undefined;
}

function cacheControlFor(relPath: string): string {
  const urlPath = relPath.split(sep).join('/');
  // Hashed names change whenever content does, so they never need revalidation;
  // everything else (index.html above all) must be revalidated to pick up new builds.
  return HASHED_ASSET.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  compressed: CompressedAssets,
  filePath: string,
  stats: Stats,
  cacheControl: string,
): Promise<void> {
  const contentType = contentTypeOf(filePath);
  const compressible = isCompressible(contentType);
  const encoding = compressible ? negotiateEncoding(req.headers['accept-encoding']) : undefined;
  const body = encoding ? await compressed.get(filePath, stats, encoding) : undefined;
  // Each encoding is its own representation, so it gets its own validator.
  const version = `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`;
  const etag = `W/"${version}${body ? `-${encoding}` : ''}"`;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', stats.mtime.toUTCString());
  // Caches must key compressible files by Accept-Encoding, whichever form this reply has.
  if (compressible) res.setHeader('Vary', 'Accept-Encoding');
  if (body) res.setHeader('Content-Encoding', encoding!);
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Length', body ? body.length : stats.size);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (body) {
    res.end(body);
    return;
  }
  const stream = createReadStream(filePath);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** If-None-Match holds `*` or a list of validators; weak comparison (RFC 9110 §13.1.2). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}
