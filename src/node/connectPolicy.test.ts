import { describe, expect, it } from 'vitest';
import { allowsConnection, connectPolicyOf, UNRESTRICTED } from './connectPolicy.ts';
import { defaultSettings, outsideConnectPolicy } from './settings.ts';

const PAGE = 'http://127.0.0.1:8080';
const SERVED = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' wss://relay.walletconnect.org http://127.0.0.1:8545; frame-ancestors 'none'";

describe('connectPolicyOf', () => {
  it('takes connect-src, else default-src, from each policy', () => {
    expect(connectPolicyOf(SERVED)).toEqual({ sourceLists: [["'self'", 'wss://relay.walletconnect.org', 'http://127.0.0.1:8545']] });
    expect(connectPolicyOf("default-src 'self'; img-src data:")).toEqual({ sourceLists: [["'self'"]] });
    expect(connectPolicyOf("connect-src 'self', connect-src https:")).toEqual({ sourceLists: [["'self'"], ['https:']] });
    expect(connectPolicyOf("connect-src a.example; connect-src b.example")).toEqual({ sourceLists: [['a.example']] });
  });

  it('is unrestricted without a header or without a connect rule', () => {
    expect(connectPolicyOf(null)).toEqual(UNRESTRICTED);
    expect(connectPolicyOf("script-src 'self'")).toEqual(UNRESTRICTED);
    expect(allowsConnection(UNRESTRICTED, 'wss://anywhere.example', PAGE)).toBe(true);
  });
});

describe('allowsConnection', () => {
  const served = connectPolicyOf(SERVED);
  const allows = (url: string, policy = served, page = PAGE) => allowsConnection(policy, url, page);

  it("'self' covers the page's origin and its WebSocket counterpart", () => {
    expect(allows('ws://127.0.0.1:8080/signal')).toBe(true);
    expect(allows('http://127.0.0.1:8080/apps/index.json')).toBe(true);
    expect(allows('ws://127.0.0.1:9999/signal')).toBe(false);
    expect(allows('wss://app.example/signal', served, 'https://app.example')).toBe(true);
    expect(allows('ws://app.example/signal', served, 'https://app.example')).toBe(false);
  });

  it('host sources match their scheme (and its secure upgrade), host and port', () => {
    expect(allows('wss://relay.walletconnect.org/?auth=x')).toBe(true);
    expect(allows('wss://relay.walletconnect.org:8443')).toBe(false);
    expect(allows('ws://relay.walletconnect.org')).toBe(false);
    expect(allows('http://127.0.0.1:8545')).toBe(true);
    expect(allows('https://127.0.0.1:8545')).toBe(true);
    expect(allows('https://rpc.example.org')).toBe(false);
  });

  it('understands scheme sources, wildcards, ports and paths', () => {
    const policy = connectPolicyOf('connect-src https: *.example.org:* wss://signal.example.net/signal /api/');
    expect(allows('https://anything.example', policy)).toBe(true);
    expect(allows('wss://anything.example', policy)).toBe(false);
    expect(allows('http://a.example.org:81/x', policy)).toBe(true);
    expect(allows('http://example.org/x', policy)).toBe(false);
    expect(allows('wss://signal.example.net/signal', policy)).toBe(true);
    expect(allows('wss://signal.example.net/other', policy)).toBe(false);
    expect(allows('wss://x', connectPolicyOf("connect-src 'none'"))).toBe(false);
  });

  it('needs every policy to agree', () => {
    const two = connectPolicyOf("connect-src 'self' https:, connect-src https://rpc.example.org");
    expect(allows('https://rpc.example.org', two)).toBe(true);
    expect(allows('https://other.example.org', two)).toBe(false);
  });
});

describe('outsideConnectPolicy', () => {
  const policy = connectPolicyOf(SERVED);

  it('finds nothing to say about the default settings under the served policy', () => {
    expect(outsideConnectPolicy(defaultSettings(PAGE), policy, PAGE)).toEqual([]);
  });

  it('names each URL the browser would refuse, and how the operator allows it', () => {
    const settings = {
      ...defaultSettings(PAGE),
      signalingUrls: ['ws://127.0.0.1:8080/signal', 'wss://signal.example.org/signal'],
      walletConnect: { projectId: 'p1', relayUrl: 'wss://relay.example.net' },
      rpc: { ethereum: 'https://eth.example.com/v1', starknet: '' },
    };
    const blocks = outsideConnectPolicy(settings, policy, PAGE);
    expect(blocks.map((b) => [b.setting, b.url])).toEqual([
      ['Signaling servers', 'wss://signal.example.org/signal'],
      ['WalletConnect relay', 'wss://relay.example.net'],
      ['Ethereum RPC', 'https://eth.example.com/v1'],
    ]);
    expect(blocks[0]!.message).toMatch(/browser will refuse to connect/);
    expect(blocks[0]!.message).toMatch(/adding wss:\/\/signal\.example\.org to TABNODE_CONNECT_SRC/);
  });

  it('ignores the relay while WalletConnect has no project id, and URLs that do not parse yet', () => {
    const settings = { ...defaultSettings(PAGE), signalingUrls: ['wss://'], walletConnect: { projectId: '', relayUrl: 'wss://relay.example.net' } };
    expect(outsideConnectPolicy(settings, policy, PAGE)).toEqual([]);
  });
});
