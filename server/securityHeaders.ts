// The headers every response of the server carries: a strict Content-Security-Policy and
// the other browser-side protections. Why each source is allowed: docs/serving.md.
import type { ServerResponse } from 'node:http';

/** The relay the app's WalletConnect settings name by default (src/node/settings.ts). */
export const WALLETCONNECT_RELAY_ORIGIN = 'wss://relay.walletconnect.org';

/**
 * The WalletConnect SDK proves the page's origin to wallets with a hidden iframe from its
 * Verify service (both hosts are on the SDK's trusted list). Without it wallets show the
 * dapp as unverified; with it blocked, every connect reports a violation.
 */
export const WALLETCONNECT_VERIFY_ORIGINS = ['https://verify.walletconnect.org', 'https://verify.walletconnect.com'] as const;

/** Scheme sources an operator may allow wholesale (any host), e.g. for users' own RPCs. */
const SCHEME_SOURCES = ['https:', 'wss:'] as const;
const URL_SCHEMES = ['http:', 'https:', 'ws:', 'wss:'];
// After URL parsing: a DNS name or an IP literal, nothing that could end a CSP directive.
const SAFE_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/;

export class ConnectSrcError extends Error {
  override name = 'ConnectSrcError';
}

/**
 * One operator-configured connect-src entry as a CSP source: a URL becomes its origin
 * (`wss://signal.example/path` → `wss://signal.example`), `https:` and `wss:` pass as
 * scheme sources. Anything else throws ConnectSrcError saying what is accepted.
 */
export function connectSourceOf(entry: string): string {
  const text = entry.trim();
  if ((SCHEME_SOURCES as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase();
  const accepted = 'use an http(s):// or ws(s):// URL such as wss://signal.example.org, or https: / wss: to allow every host';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectSrcError(`connect-src entry ${JSON.stringify(text)} is not a URL: ${accepted}`);
  }
  if (!URL_SCHEMES.includes(url.protocol)) {
    throw new ConnectSrcError(`connect-src entry ${JSON.stringify(text)} has scheme ${url.protocol}: ${accepted}`);
  }
  if (url.username || url.password) {
    throw new ConnectSrcError(`connect-src entry ${JSON.stringify(text)} carries credentials: give the server's origin only`);
  }
  if (!SAFE_HOST.test(url.hostname)) {
    throw new ConnectSrcError(`connect-src entry ${JSON.stringify(text)} has a host a policy cannot name: ${accepted}`);
  }
  return url.origin;
}

/** `'self'`, the WalletConnect relay and the operator's entries, without duplicates. */
export function connectSources(extra: readonly string[] = []): string[] {
  return [...new Set(["'self'", WALLETCONNECT_RELAY_ORIGIN, ...extra.map(connectSourceOf)])];
}

/** The policy text for the given connect-src sources (see connectSources). */
export function contentSecurityPolicy(connectSrc: readonly string[]): string {
  const directives: [string, ...string[]][] = [
    // Same-origin fallback for anything not named below (fonts, manifest, media).
    ['default-src', "'self'"],
    // No inline or remote script, no eval; WebAssembly compilation is allowed (WASM apps).
    ['script-src', "'self'", "'wasm-unsafe-eval'"],
    // Vite emits stylesheets as files; React sets styles through the CSSOM, which CSP allows.
    ['style-src', "'self'"],
    // Wallet icons are data: URIs (EIP-6963 requires it; others are dropped, safeIcon).
    ['img-src', "'self'", 'data:'],
    // Apps run in a module Worker built from a same-origin script.
    ['worker-src', "'self'"],
    ['frame-src', ...WALLETCONNECT_VERIFY_ORIGINS],
    ['connect-src', ...connectSrc],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    // Join, Invite and Revoke must never be clickable through a transparent frame.
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/**
 * Powerful features the app never uses, switched off for it and anything it might embed.
 * Only names Chromium knows: an unknown one is logged as a console error on every page.
 */
const DENIED_FEATURES = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'encrypted-media',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
];

export type SecurityHeaders = Readonly<Record<string, string>>;

/** Every security header, for a server whose connect-src is `connectSrc`. */
export function securityHeaders(connectSrc: readonly string[]): SecurityHeaders {
  return {
    'Content-Security-Policy': contentSecurityPolicy(connectSrc),
    // Older browsers ignore frame-ancestors; they know this one.
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Links to other sites learn nothing of the page (invite fragments never travel anyway).
    'Referrer-Policy': 'no-referrer',
    // A page that opened the app (or that it opens) gets no handle on its window.
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Other sites cannot load our scripts or data as subresources.
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': DENIED_FEATURES.map((f) => `${f}=()`).join(', '),
  };
}

export function setSecurityHeaders(res: ServerResponse, headers: SecurityHeaders): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
