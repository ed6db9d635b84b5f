/*
 * One SignClient per page and per (project id, relay URL), created on first use. The SDK
 * is imported here, on demand: it is large and most visits never use WalletConnect.
 *
 * Each configuration gets its own storage prefix, so its sessions (kept by the SDK in
 * IndexedDB in a browser) are found again after a reload, and changing the relay in
 * Settings starts a fresh client instead of reusing one bound to the old relay (the SDK
 * caches one core per prefix on globalThis).
 */
import type { WalletConnectMetadata } from './settings.ts';

export interface ClientOptions {
  projectId: string;
  relayUrl: string;
  metadata?: WalletConnectMetadata;
  verify: boolean;
}

/** The SDK's client (its module exports the class as a value only). */
export type WcClient = InstanceType<(typeof import('@walletconnect/sign-client'))['SignClient']>;

interface Entry {
  client: Promise<WcClient>;
  /** Read by the patched attestation on every call: the latest caller's choice holds. */
  verify: boolean;
}

const clients = new Map<string, Entry>();

/** The page's SignClient for these settings; a failed start is forgotten so a retry starts again. */
export function signClient(options: ClientOptions): Promise<WcClient> {
  const prefix = storagePrefix(options.projectId, options.relayUrl);
  const known = clients.get(prefix);
  if (known) {
    known.verify = options.verify;
    return known.client;
  }
  const entry = { verify: options.verify } as Entry;
  entry.client = start(options, prefix, entry);
  entry.client.catch(() => clients.delete(prefix));
  clients.set(prefix, entry);
  return entry.client;
}

async function start(options: ClientOptions, prefix: string, entry: Entry): Promise<WcClient> {
  const { SignClient } = await import('@walletconnect/sign-client');
  const client = await SignClient.init({
    projectId: options.projectId,
    relayUrl: options.relayUrl,
    metadata: options.metadata ?? defaultMetadata(),
    customStoragePrefix: prefix,
    // No usage reports to WalletConnect's analytics endpoint.
    telemetryEnabled: false,
    // Its errors (a declined request, a failed publish) reach the caller as typed errors;
    // logging them too would fill the console with every "User rejected".
    logger: 'fatal',
  });
  // The SDK offers no option to skip the Verify attestation (an iframe on
  // verify.walletconnect.org, about 5 s per message when unreachable); an empty
  // attestation is what it sends itself when the iframe fails.
  const attest = client.core.verify.register.bind(client.core.verify);
  client.core.verify.register = (params) => (entry.verify ? attest(params) : Promise.resolve(''));
  return client;
}

function defaultMetadata(): WalletConnectMetadata {
  const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;
  return { name: 'Tabnode', description: 'A private, verifiable collaboration node in a browser tab', url: origin, icons: [] };
}

/** `tabnode-<8 hex>`: FNV-1a of the settings, short and stable across reloads. */
function storagePrefix(projectId: string, relayUrl: string): string {
  let hash = 0x811c9dc5;
  for (const char of `${projectId}\n${relayUrl}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `tabnode-${hash.toString(16).padStart(8, '0')}`;
}
