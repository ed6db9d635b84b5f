// Which pages may open a WebSocket to the signaling relay. Browsers always send Origin on
// a WebSocket handshake and pages cannot forge it, so this stops other sites from using
// the relay through their visitors' browsers. Non-browser clients can send any Origin, so
// refusing those that send none would stop honest tools only (see docs/serving.md).

export class OriginPolicyError extends Error {
  override name = 'OriginPolicyError';
}

export interface OriginPolicy {
  /** Origins allowed besides the server's own; '*' allows every origin. */
  allowedOrigins: readonly string[];
  /** Whether a client that sends no Origin header (not a browser) may connect. */
  allowMissingOrigin: boolean;
}

/** An allowlist entry in canonical form (`https://App.Example:443/` → `https://app.example`). */
export function canonicalOrigin(entry: string): string {
  if (entry === '*') return entry;
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new OriginPolicyError(`allowed origin ${JSON.stringify(entry)} is not an origin: write it as https://app.example.org (or * for any)`);
  }
  if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new OriginPolicyError(`allowed origin ${JSON.stringify(entry)} must be scheme://host[:port] only, e.g. https://app.example.org`);
  }
  return url.origin;
}

/**
 * Undefined when the handshake may proceed, else the reason to refuse it. `host` is the
 * request's Host header: a page served by this server sends an Origin naming that host.
 */
export function originRefusal(origin: string | undefined, host: string | undefined, policy: OriginPolicy): string | undefined {
  if (origin === undefined) {
    return policy.allowMissingOrigin ? undefined : 'no Origin header: only browsers on an allowed origin may connect';
  }
  if (policy.allowedOrigins.includes('*')) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  // Opaque origins ("null": sandboxed frames, file: pages) are nobody's own origin.
  if (url && url.origin !== 'null') {
    if (host !== undefined && url.host === host.toLowerCase()) return undefined;
    if (policy.allowedOrigins.includes(url.origin)) return undefined;
  }
  return `origin ${origin.slice(0, 100)} is not allowed to use this signaling server`;
}
