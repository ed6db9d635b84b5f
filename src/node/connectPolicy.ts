// Whether the Content-Security-Policy the page was served with lets it connect to a URL
// (fetch, WebSocket): the browser refuses any other, whatever Settings say. Pure, so the
// matching (CSP Level 3, §6.7.2 "Does url match source list") is tested in Node.

/**
 * The connect restrictions of a page: one source list per policy that restricts connects
 * (a response may carry several policies; a URL must pass all of them). Empty: no limit.
 */
export interface ConnectPolicy {
  sourceLists: readonly (readonly string[])[];
}

export const UNRESTRICTED: ConnectPolicy = { sourceLists: [] };

/** Headers longer than this are not parsed: no real policy comes close. */
const MAX_POLICY_LENGTH = 16 * 1024;

/**
 * The connect policy of a Content-Security-Policy header value (several policies joined
 * with "," as fetch's Headers.get gives them). connect-src, else default-src, applies.
 */
export function connectPolicyOf(header: string | null | undefined): ConnectPolicy {
  if (!header || header.length > MAX_POLICY_LENGTH) return UNRESTRICTED;
  const sourceLists: string[][] = [];
  for (const policy of header.split(',')) {
    const directives = new Map<string, string[]>();
    for (const directive of policy.split(';')) {
      const [name, ...values] = directive.trim().split(/\s+/);
      // The first occurrence of a directive wins; later duplicates are ignored.
      if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
    }
    const list = directives.get('connect-src') ?? directives.get('default-src');
    if (list) sourceLists.push(list);
  }
  return { sourceLists };
}

/** True when every policy allows a page of `pageOrigin` to connect to `url`. */
export function allowsConnection(policy: ConnectPolicy, url: string, pageOrigin: string): boolean {
  let target: URL;
  let page: URL;
  try {
    target = new URL(url);
    page = new URL(pageOrigin);
  } catch {
    return false;
  }
  return policy.sourceLists.every((list) => list.some((source) => sourceMatches(source, target, page)));
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** CSP scheme-part match: a source's scheme also admits its secure upgrade (http→https, ws→wss). */
function schemeMatches(sourceScheme: string, urlScheme: string): boolean {
  if (sourceScheme === urlScheme) return true;
  if (sourceScheme === 'http:') return urlScheme === 'https:';
  if (sourceScheme === 'ws:') return ['wss:', 'http:', 'https:'].includes(urlScheme);
  if (sourceScheme === 'wss:') return urlScheme === 'https:';
  return false;
}

// scheme://host:port/path with every part but the host optional (CSP host-source).
const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*:)\/\/)?(\*|(?:\*\.)?[^/:]+|\[[^\]]+\])(?::(\d+|\*))?(\/[^?#]*)?$/i;

function sourceMatches(rawSource: string, url: URL, page: URL): boolean {
  const source = rawSource.toLowerCase();
  if (source === "'none'") return false;
  if (source === "'self'") return matchesSelf(url, page);
  // Other keywords and nonces/hashes ('unsafe-eval', 'nonce-…') never allow a connection.
  if (source.startsWith("'")) return false;
  if (source === '*') return ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) || url.protocol === page.protocol;
  if (/^[a-z][a-z0-9+.-]*:$/.test(source)) return schemeMatches(source, url.protocol);
  const m = HOST_SOURCE.exec(source);
  if (!m) return false;
  const [, scheme, host = '', port, path] = m;
  if (!schemeMatches(scheme ?? page.protocol, url.protocol)) return false;
  if (!hostMatches(host, url.hostname)) return false;
  if (!portMatches(port, url)) return false;
  return pathMatches(path, url.pathname);
}

/** 'self': the page's origin, and its secure and WebSocket counterparts on the same host and port. */
function matchesSelf(url: URL, page: URL): boolean {
  if (url.origin === page.origin) return true;
  // URL keeps the port empty when it is the scheme's default, as CSP's "null port" is.
  if (url.hostname !== page.hostname || url.port !== page.port) return false;
  if (url.protocol === 'https:' || url.protocol === 'wss:') return true;
  return page.protocol === 'http:' && (url.protocol === 'http:' || url.protocol === 'ws:');
}

function hostMatches(pattern: string, hostname: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1));
  return pattern === hostname;
}

/** No port in the source means the URL's default port; a number also matches it written out. */
function portMatches(port: string | undefined, url: URL): boolean {
  if (port === '*') return true;
  if (port === undefined) return url.port === '';
  return port === url.port || (url.port === '' && port === DEFAULT_PORTS[url.protocol]);
}

function pathMatches(path: string | undefined, urlPath: string): boolean {
  if (!path || path === '/') return true;
  // Both sides percent-encoded as URL keeps them, so they compare as written.
  const wanted = new URL(path, 'http://x').pathname;
  return wanted.endsWith('/') ? urlPath.startsWith(wanted) : urlPath === wanted;
}
