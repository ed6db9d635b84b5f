import { checkedOrigin, OriginError } from '../../core/identity/index.ts';

/**
 * A site as a person types it (`https://Tabnode.example/`) or as `location.origin` gives it,
 * in the canonical form contexts record (`https://tabnode.example`). Throws `OriginError`
 * saying what to write instead.
 */
export function siteOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new OriginError(`${JSON.stringify(text.slice(0, 80))} is not a web address: write it like https://tabnode.example`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OriginError(`${JSON.stringify(text.slice(0, 80))} is not an http or https site`);
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new OriginError(`${JSON.stringify(text.slice(0, 80))} is more than a site: write only scheme://host[:port], like ${url.origin}`);
  }
  return checkedOrigin(url.origin);
}

/**
 * The origins a new context allows: this app's own, where wallet members sign in. A page
 * without an http(s) origin (a file) records none; local roots need none.
 */
export function defaultOrigins(appOrigin: string): string[] {
  try {
    return [siteOrigin(appOrigin)];
  } catch (e) {
    if (e instanceof OriginError) return [];
    throw e;
  }
}
