// The front of the dev endpoints (faucet, relayer): POST only, from the app's own pages (or
// tools that send no Origin, like the signaling relay), JSON of bounded size. Answers the
// request itself when it is not one, so the endpoint only sees bodies worth reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { originRefusal } from '../originPolicy.ts';
import type { ClientBuckets } from './clientBuckets.ts';
import { BodyTooLargeError, isJsonContentType, readBody, sendJson, sendJsonAndClose } from './httpBody.ts';

/** The parsed JSON body (an object, or null), or undefined when the request was answered with an error. */
export async function sameOriginJsonPost(
  req: IncomingMessage,
  res: ServerResponse,
  options: { what: string; example: string; maxBytes: number },
): Promise<Record<string, unknown> | null | undefined> {
  const { what, example, maxBytes } = options;
  if (req.method !== 'POST') {
    sendJsonAndClose(res, 405, { error: `${what} takes POST ${example}` }, { Allow: 'POST' });
    return undefined;
  }
  const refused = originRefusal(req.headers.origin, req.headers.host, { allowedOrigins: [], allowMissingOrigin: true });
  if (refused) {
    sendJsonAndClose(res, 403, { error: refused });
    return undefined;
  }
  if (!isJsonContentType(req)) {
    sendJsonAndClose(res, 415, { error: `send ${example} with Content-Type: application/json` });
    return undefined;
  }
  try {
    const body = JSON.parse((await readBody(req, maxBytes)).toString('utf8')) as unknown;
    return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  } catch (e) {
    if (e instanceof BodyTooLargeError) sendJsonAndClose(res, 413, { error: `${what} takes at most ${maxBytes} bytes: ${example}` });
    else sendJson(res, 400, { error: `the body is not JSON: send ${example}` });
    return undefined;
  }
}

/** Takes one request from the client's bucket; over the limit, answers 429 with Retry-After and returns false. */
export function withinLimit(req: IncomingMessage, res: ServerResponse, buckets: ClientBuckets, limit: { burst: number; perSecond: number }, what: string): boolean {
  if (buckets.take(req)) return true;
  const wait = Math.ceil(1 / limit.perSecond);
  sendJson(res, 429, { error: `${what} rate limit: ${limit.burst} requests, then one per ${wait} s; try again later` }, { 'Retry-After': String(wait) });
  return false;
}
