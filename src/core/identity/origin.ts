import { DecodeError, EncodeError, list, string, type Codec } from '../codec/index.ts';
import type { DelegationProof } from './delegation.ts';

/*
 * Sites (web origins) a context lets its members sign in from. A wallet delegation names
 * the page that asked for it (EIP-4361 / SNIP-12 `domain` and `uri`); every peer checks
 * that page against the context's allowed origins, so a delegation a foreign site got a
 * person to sign for its own key is refused everywhere (docs/decisions/allowed-origins.md).
 */

export const ORIGIN_LIMITS = {
  /** One origin's bytes: `https://` + a 240-character host + a port. */
  bytes: 256,
  /** Origins one context allows at once. */
  perContext: 16,
} as const;

/** Text that is not an origin in canonical form, or an origin a context cannot take. */
export class OriginError extends Error {
  override readonly name = 'OriginError';
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// A DNS name or IPv4 address (lower-case labels), or an IPv6 address in brackets.
const CANONICAL = new RegExp(`^(https?)://((?:${LABEL}(?:\\.${LABEL})*)|\\[[0-9a-f:.]+\\])(?::([1-9][0-9]{0,4}))?$`);
const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

/**
 * Why `text` is not an origin in canonical form — `scheme://host[:port]`, scheme `http` or
 * `https`, lower case, no default port, no path — or undefined when it is one. One spelling
 * per site, so peers compare origins as plain strings.
 */
export function originProblem(text: string): string | undefined {
  const shown = JSON.stringify(text.slice(0, 80));
  if (new TextEncoder().encode(text).length > ORIGIN_LIMITS.bytes) return `${shown}… is over ${ORIGIN_LIMITS.bytes} bytes`;
  const m = CANONICAL.exec(text);
  if (!m) return `${shown} is not an origin written scheme://host[:port] (http or https, lower case, no path)`;
  const [, scheme, , port] = m;
  if (port !== undefined && (Number(port) > 65535 || port === DEFAULT_PORT[scheme!])) {
    return `${shown} has ${Number(port) > 65535 ? 'no valid port' : `the default port of ${scheme}: write it without :${port}`}`;
  }
  return undefined;
}

/** `text` if it is an origin in canonical form; else throws `OriginError` saying why. */
export function checkedOrigin(text: string): string {
  const problem = originProblem(text);
  if (problem) throw new OriginError(problem);
  return text;
}

/** Origins in their one canonical order (ASCII, so code-unit order is byte order), duplicates dropped. */
export function sortOrigins(origins: Iterable<string>): string[] {
  return [...new Set(origins)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const originText = string(ORIGIN_LIMITS.bytes);

/** One origin on the wire: refused at decode unless canonical. */
export const originField: Codec<string> = {
  encode(w, v) {
    const problem = originProblem(v);
    if (problem) throw new EncodeError(problem);
    originText.encode(w, v);
  },
  decode(r) {
    const at = r.pos;
    const text = originText.decode(r);
    const problem = originProblem(text);
    if (problem) throw new DecodeError('invalid-value', problem, at);
    return text;
  },
};

const originList = list(originField, ORIGIN_LIMITS.perContext);

/** At most `ORIGIN_LIMITS.perContext` origins, strictly ascending: one encoding per set. */
export const originsField: Codec<string[]> = {
  encode: (w, v) => originList.encode(w, sortOrigins(v)),
  decode(r) {
    const at = r.pos;
    const origins = originList.decode(r);
    for (let i = 1; i < origins.length; i++) {
      if (origins[i - 1]! >= origins[i]!) throw new DecodeError('non-canonical', 'origins must be sorted and unique', at);
    }
    return origins;
  },
};

/**
 * The site a delegation was signed for: `scheme://domain`, where the URI must be on that
 * same origin. Undefined for a local root's `ed25519` proof: its key lives inside the app
 * (derived from the phrase typed into it), so no other site asked for the signature.
 * Throws `OriginError` when a wallet proof's domain and URI do not name one canonical origin.
 */
export function delegationOrigin(proof: DelegationProof): string | undefined {
  if (proof.kind === 'ed25519') return undefined;
  const { domain, uri } = proof;
  const scheme = /^(https?):\/\//.exec(uri)?.[1];
  const origin = scheme ? `${scheme}://${domain}` : '';
  const rest = uri.slice(origin.length);
  if (!scheme || !uri.startsWith(origin) || !(rest === '' || /^[/?#]/.test(rest))) {
    throw new OriginError(`the wallet signed for domain ${JSON.stringify(domain)} with URI ${JSON.stringify(uri.slice(0, 120))}, which do not name one site`);
  }
  const problem = originProblem(origin);
  if (problem) throw new OriginError(`the wallet signed for a site that is not in canonical form: ${problem}`);
  return origin;
}

/**
 * Why a key delegated on `origin` may not act where `allowed` are the allowed origins, or
 * undefined if it may (a local root's key, `origin` undefined, always may).
 */
export function originRefusal(origin: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (origin === undefined || allowed.has(origin)) return undefined;
  const list = allowed.size ? `it allows ${sortOrigins(allowed).join(', ')}` : 'it allows no site for wallet sign-in';
  return `signed for ${origin}, which this context does not allow (${list})`;
}
