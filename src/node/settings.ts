import { DEFAULT_MAX_CONNS, MAX_MAX_CONNS, MIN_MAX_CONNS } from '../core/mesh/ringPolicy.ts';
import type { SettingValue } from '../core/store/index.ts';
import { allowsConnection, type ConnectPolicy } from './connectPolicy.ts';

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What a person can configure about how this node reaches others. */
export interface NodeSettings {
  /** y-webrtc signaling servers (ws:// or wss://). Default: this app's own `/signal`. */
  signalingUrls: string[];
  /** STUN/TURN servers for WebRTC. Default: none (loopback and LAN need none). */
  iceServers: IceServer[];
  /**
   * 'relay' connects only through the TURN servers above (hides this device's addresses
   * from peers; needs a TURN server). Default 'all': direct paths first.
   */
  iceTransportPolicy: 'all' | 'relay';
  /** Most WebRTC connections per context (a partial mesh beyond that). Default 20. */
  maxConns: number;
  /** WalletConnect: a project id (from WalletConnect Cloud) and the relay to reach wallets through. */
  walletConnect: { projectId: string; relayUrl: string };
  /**
   * JSON-RPC endpoints (http/https, empty for none) used to check signatures of contract
   * accounts (ERC-1271, Starknet `is_valid_signature`); without one they are unverifiable.
   */
  rpc: { ethereum: string; starknet: string };
  /**
   * The EVM chain contexts are anchored to (docs/anchoring.md): its JSON-RPC, chain id and
   * TabnodeRegistry address; `confirmations` blocks deep before an event counts (reorgs).
   * Default: the chain the serving site offers at `/chain` (npm start runs a local one).
   */
  chain: ChainSettings;
}

export interface ChainSettings {
  rpcUrl: string;
  chainId: number;
  registry: string;
  confirmations: number;
}

/** What a server offers at `/chain/config`: its chain, proxied at `rpcPath` on its own origin. */
export interface ChainPreset {
  chainId: number;
  registry: string;
  rpcPath: string;
  faucet: boolean;
  /** POST `/chain/relay` sends signed (EIP-712) registry calls and pays for them (dev chains). */
  relay: boolean;
  kind: 'local' | 'remote';
}

export const NO_CHAIN: ChainSettings = { rpcUrl: '', chainId: 0, registry: '', confirmations: 0 };

/** Hardhat's chain mines a block per transaction: no reorgs, and no later blocks to wait for. */
export function chainFromPreset(preset: ChainPreset | undefined, origin: string): ChainSettings {
  if (!preset) return NO_CHAIN;
  return { rpcUrl: new URL(preset.rpcPath, origin).toString(), chainId: preset.chainId, registry: preset.registry, confirmations: preset.kind === 'local' ? 0 : 3 };
}

export const DEFAULT_WALLETCONNECT_RELAY = 'wss://relay.walletconnect.org';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export const SETTINGS_LIMITS = { urls: 8, urlLength: 512, iceServers: 8, minConns: MIN_MAX_CONNS, maxConns: MAX_MAX_CONNS } as const;

/** The signaling URL of the page's own origin: the server that served the app also signals. */
export function defaultSignalingUrl(origin: string): string {
  const url = new URL('/signal', origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function defaultSettings(origin: string, preset?: ChainPreset): NodeSettings {
  const chain = chainFromPreset(preset, origin);
  return {
    signalingUrls: [defaultSignalingUrl(origin)],
    iceServers: [],
    iceTransportPolicy: 'all',
    maxConns: DEFAULT_MAX_CONNS,
    walletConnect: { projectId: '', relayUrl: DEFAULT_WALLETCONNECT_RELAY },
    // The served chain also checks contract accounts on it (ERC-1271).
    rpc: { ethereum: chain.rpcUrl, starknet: '' },
    chain,
  };
}

/** Stored settings from an older version lack newer fields: take those from the defaults. */
export function withDefaults(stored: Partial<NodeSettings> | undefined, origin: string, preset?: ChainPreset): NodeSettings {
  const defaults = defaultSettings(origin, preset);
  return {
    ...defaults,
    ...stored,
    walletConnect: { ...defaults.walletConnect, ...stored?.walletConnect },
    rpc: { ...defaults.rpc, ...stored?.rpc },
    chain: { ...defaults.chain, ...stored?.chain },
  };
}

function checkUrl(raw: string, schemes: string[], what: string): string {
  const text = raw.trim();
  if (text.length > SETTINGS_LIMITS.urlLength) throw new SettingsError(`${what} is longer than ${SETTINGS_LIMITS.urlLength} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingsError(`"${text}" is not a URL (${what})`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new SettingsError(`${what} must start with ${schemes.map((s) => `${s}//`).join(' or ')}: "${text}"`);
  }
  return text;
}

/** Validate settings a person entered; throws SettingsError naming the first problem. */
export function validateSettings(input: NodeSettings): NodeSettings {
  if (input.signalingUrls.length === 0) throw new SettingsError('at least one signaling server is needed to find peers');
  if (input.signalingUrls.length > SETTINGS_LIMITS.urls) throw new SettingsError(`at most ${SETTINGS_LIMITS.urls} signaling servers`);
  if (input.iceServers.length > SETTINGS_LIMITS.iceServers) throw new SettingsError(`at most ${SETTINGS_LIMITS.iceServers} ICE servers`);
  const { minConns, maxConns } = SETTINGS_LIMITS;
  if (!Number.isInteger(input.maxConns) || input.maxConns < minConns || input.maxConns > maxConns) {
    throw new SettingsError(`connections per context must be a whole number from ${minConns} to ${maxConns} (below ${minConns} a partial mesh can split)`);
  }
  if (input.iceTransportPolicy !== 'all' && input.iceTransportPolicy !== 'relay') {
    throw new SettingsError(`the connection route must be "all" or "relay", not ${JSON.stringify(String(input.iceTransportPolicy)).slice(0, 40)}`);
  }
  if (input.iceTransportPolicy === 'relay' && !input.iceServers.some((s) => s.urls.some((u) => /^turns?:/i.test(u.trim())))) {
    throw new SettingsError('"TURN relay only" needs a TURN server (turn: or turns:) in the ICE servers; without one no connection can be made');
  }
  const projectId = input.walletConnect.projectId.trim();
  if (!/^[A-Za-z0-9_-]{0,64}$/.test(projectId)) throw new SettingsError('a WalletConnect project id is up to 64 letters, digits, - and _');
  // An RPC vouches for signatures: plain http only on this machine, where nobody can tamper.
  const rpcUrl = (raw: string, what: string) => {
    if (!raw.trim()) return '';
    const url = checkUrl(raw, ['http:', 'https:'], what);
    const host = new URL(url).hostname;
    if (url.startsWith('http:') && !['localhost', '127.0.0.1', '[::1]'].includes(host)) {
      throw new SettingsError(`${what} must use https:// (plain http only for localhost): "${url}"`);
    }
    return url;
  };
  return {
    walletConnect: { projectId, relayUrl: checkUrl(input.walletConnect.relayUrl, ['ws:', 'wss:'], 'the WalletConnect relay') },
    rpc: {
      ethereum: rpcUrl(input.rpc.ethereum, 'the Ethereum RPC'),
      starknet: rpcUrl(input.rpc.starknet, 'the Starknet RPC'),
    },
    chain: validateChain(input.chain, rpcUrl),
    signalingUrls: input.signalingUrls.map((u) => checkUrl(u, ['ws:', 'wss:'], 'a signaling server')),
    iceTransportPolicy: input.iceTransportPolicy,
    maxConns: input.maxConns,
    iceServers: input.iceServers.map((server) => {
      if (server.urls.length === 0) throw new SettingsError('an ICE server needs at least one URL');
      const out: IceServer = { urls: server.urls.map((u) => checkUrl(u, ['stun:', 'stuns:', 'turn:', 'turns:'], 'an ICE server')) };
      if (server.username) out.username = server.username;
      if (server.credential) out.credential = server.credential;
      return out;
    }),
  };
}

function validateChain(chain: ChainSettings, rpcUrl: (raw: string, what: string) => string): ChainSettings {
  const url = rpcUrl(chain.rpcUrl, 'the anchoring chain RPC');
  if (!url) return NO_CHAIN;
  if (!Number.isSafeInteger(chain.chainId) || chain.chainId <= 0) throw new SettingsError('the anchoring chain id must be a positive whole number (e.g. 1, 8453, 31337)');
  if (!/^0x[0-9a-fA-F]{40}$/.test(chain.registry.trim())) throw new SettingsError('the registry address must be 0x and 40 hex digits (the TabnodeRegistry contract on that chain)');
  if (!Number.isInteger(chain.confirmations) || chain.confirmations < 0 || chain.confirmations > 64) {
    throw new SettingsError('confirmations must be a whole number from 0 to 64 (blocks an event must be deep before it counts)');
  }
  return { rpcUrl: url, chainId: chain.chainId, registry: chain.registry.trim().toLowerCase(), confirmations: chain.confirmations };
}

export function settingsToStored(settings: NodeSettings): SettingValue {
  return JSON.parse(JSON.stringify(settings)) as SettingValue;
}

/** A URL in the settings that the page's Content-Security-Policy will not let it reach. */
export interface PolicyBlock {
  /** Which setting holds it, as Settings labels it. */
  setting: string;
  url: string;
  /** What happens and how the operator allows it, in a sentence. */
  message: string;
}

/**
 * The URLs in `settings` (as entered, validated or not) that the served policy forbids:
 * the browser would refuse to connect to them. A URL that does not parse is left to
 * validateSettings. The WalletConnect relay counts only with a project id (else unused).
 */
export function outsideConnectPolicy(settings: NodeSettings, policy: ConnectPolicy, pageOrigin: string): PolicyBlock[] {
  const used: [string, string][] = [
    ...settings.signalingUrls.map((url): [string, string] => ['Signaling servers', url]),
    ...(settings.walletConnect.projectId.trim() ? [['WalletConnect relay', settings.walletConnect.relayUrl] as [string, string]] : []),
    ['Ethereum RPC', settings.rpc.ethereum],
    ['Starknet RPC', settings.rpc.starknet],
    ['Anchoring chain RPC', settings.chain.rpcUrl],
  ];
  const blocks: PolicyBlock[] = [];
  for (const [setting, raw] of used) {
    const url = raw.trim();
    if (!URL.canParse(url) || allowsConnection(policy, url, pageOrigin)) continue;
    const origin = new URL(url).origin;
    blocks.push({
      setting,
      url,
      message:
        `${url} (${setting}) is outside the Content-Security-Policy this server sends (connect-src), so the browser will refuse to connect to it. ` +
        `The server's operator can allow it by adding ${origin} to TABNODE_CONNECT_SRC (or startServer's connectSrc) and restarting the server; then reload this page.`,
    });
  }
  return blocks;
}
