// Which compressed form of a response a client accepts (RFC 9110 §12.5.3), and which
// content types are worth compressing at all.

export type Encoding = 'br' | 'gzip';

/** Preferred first when a client weighs them equally: brotli is smaller on text. */
const SERVER_PREFERENCE: readonly Encoding[] = ['br', 'gzip'];

/** Headers longer than this are not parsed (browsers send about 30 bytes). */
const MAX_ACCEPT_ENCODING_LENGTH = 1024;

/**
 * The encoding to answer with, given the request's Accept-Encoding: the acceptable one
 * (q > 0) with the highest weight, brotli on a tie; undefined means identity.
 */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined): Encoding | undefined {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!header || header.length > MAX_ACCEPT_ENCODING_LENGTH) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: Encoding | undefined;
  let bestWeight = 0;
  for (const encoding of SERVER_PREFERENCE) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

/** Text formats and WebAssembly shrink well; images and fonts are compressed already. */
export function isCompressible(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/manifest+json' ||
    type === 'application/wasm' ||
    type === 'image/svg+xml'
  );
}
