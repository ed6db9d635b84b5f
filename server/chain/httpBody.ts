// Small HTTP helpers the chain endpoints share: a request body read with a size bound, the
// JSON content-type check, and JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body is over the bound (told by Content-Length, or found while reading). */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`request body is over ${maxBytes} bytes`);
  }
}

/** Reads the whole body, refusing it as soon as it passes `maxBytes` (nothing more is buffered). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/*
 * Only `application/json` bodies: a page on another site can POST text/plain without
 * asking, but application/json needs a CORS preflight, which this server never grants.
 * Wallet extensions and command-line tools are not pages and send it as they are.
 */
export function isJsonContentType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json';
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // Chain answers change with every block; nothing should keep them.
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Ends a request whose body we will not read, without leaving the socket half-read. */
export function sendJsonAndClose(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, { Connection: 'close', ...headers });
}
