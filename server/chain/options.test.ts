import { describe, expect, it } from 'vitest';
import { chainFromEnvironment, ChainOptionsError, isLoopbackUrl } from './options.ts';

const registry = `0x${'ab'.repeat(20)}`;

describe('chainFromEnvironment: which chain npm start serves', () => {
  it('runs the embedded local chain when nothing is set', () => {
    expect(chainFromEnvironment({})).toBe('local');
    expect(chainFromEnvironment({ TABNODE_CHAIN: 'local' })).toBe('local');
  });

  it('runs none with TABNODE_CHAIN=none or --chain=none', () => {
    expect(chainFromEnvironment({ TABNODE_CHAIN: 'none' })).toBe('none');
    expect(chainFromEnvironment({}, ['--chain=none'])).toBe('none');
    expect(chainFromEnvironment({ TABNODE_CHAIN: 'none' }, ['--chain', 'local'])).toBe('local'); // flags win
  });

  it('proxies a real network given its RPC and registry, never with a faucet', () => {
    expect(chainFromEnvironment({ TABNODE_CHAIN_RPC: 'https://sepolia.example.org/v1/KEY', TABNODE_CHAIN_REGISTRY: registry })).toEqual({
      rpcUrl: 'https://sepolia.example.org/v1/KEY',
      registry,
      faucet: false,
    });
    expect(chainFromEnvironment({}, [`--chain-rpc=https://rpc.example.org`, `--chain-registry=${registry}`])).toMatchObject({ rpcUrl: 'https://rpc.example.org' });
  });

  const refused: [string, NodeJS.ProcessEnv, string[], string][] = [
    ['an unknown mode', { TABNODE_CHAIN: 'sepolia' }, [], 'must be local or none'],
    ['an RPC without a registry', { TABNODE_CHAIN_RPC: 'https://rpc.example.org' }, [], 'without TABNODE_CHAIN_REGISTRY'],
    ['a registry without an RPC', { TABNODE_CHAIN_REGISTRY: registry }, [], 'without TABNODE_CHAIN_RPC'],
    ['none and an RPC at once', { TABNODE_CHAIN: 'none', TABNODE_CHAIN_RPC: 'https://rpc.example.org', TABNODE_CHAIN_REGISTRY: registry }, [], 'both set'],
    ['a WebSocket RPC', { TABNODE_CHAIN_RPC: 'wss://rpc.example.org', TABNODE_CHAIN_REGISTRY: registry }, [], 'http(s) URL'],
    ['a bad registry', { TABNODE_CHAIN_RPC: 'https://rpc.example.org', TABNODE_CHAIN_REGISTRY: '0x12' }, [], '40 hex digits'],
    ['an unknown flag', {}, ['--chian=none'], '--chain=local|none'],
  ];
  for (const [what, env, argv, message] of refused) {
    it(`refuses ${what} with a message saying what to set`, () => {
      expect(() => chainFromEnvironment(env, argv)).toThrow(ChainOptionsError);
      expect(() => chainFromEnvironment(env, argv)).toThrow(message);
    });
  }
});

describe('isLoopbackUrl', () => {
  it('knows this machine from others', () => {
    for (const url of ['http://127.0.0.1:8545', 'http://localhost:1', 'http://[::1]:8545', 'http://127.1.2.3']) expect(isLoopbackUrl(new URL(url))).toBe(true);
    for (const url of ['http://10.0.0.1', 'https://rpc.example.org', 'http://127.0.0.1.example.org']) expect(isLoopbackUrl(new URL(url))).toBe(false);
  });
});
