import { connectPolicyOf, UNRESTRICTED, type ConnectPolicy } from './connectPolicy.ts';

/**
 * The connect policy the server sends with the app: the Content-Security-Policy header of
 * a HEAD request for "/" (same origin, so every header is readable). The header itself is
 * the source of truth, also when a proxy in front sets it. Unreadable: no restriction known.
 */
export async function servedConnectPolicy(origin: string, fetchPage: typeof fetch = fetch): Promise<ConnectPolicy> {
  try {
    // Read once at start-up: a server that does not answer soon counts as no policy known.
    const response = await fetchPage(new URL('/', origin), { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(3000) });
    return connectPolicyOf(response.headers.get('content-security-policy'));
  } catch {
    return UNRESTRICTED;
  }
}
