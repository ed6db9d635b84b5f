import { connectPolicyOf, UNRESTRICTED, type ConnectPolicy } from './connectPolicy.ts';

/**
 * The connect policy the server sends with the app: the Content-Security-Policy header of
 * a HEAD request for "/" (same origin, so every header is readable). The header itself is
 * the source of truth, also when a proxy in front sets it. Unreadable: no restriction known.
 */
export async function servedConnectPolicy(origin: string, fetchPage: typeof fetch = fetch): Promise<ConnectPolicy> {
  try {
    const response = await fetchPage(new URL('/', origin), { method: 'HEAD', cache: 'no-store' });
    return connectPolicyOf(response.headers.get('content-security-policy'));
  } catch {
    return UNRESTRICTED;
  }
}
