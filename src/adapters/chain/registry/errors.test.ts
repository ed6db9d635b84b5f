import { describe, expect, it } from 'vitest';
import { registryErrorOr } from './eip1193AnchorWriter.ts';
import { RegistryRevertError, WalletRequestError, revertDataOf } from './errors.ts';

// The arguments of StaleSeq(uint64 expected = 1, uint64 actual = 2), ABI-encoded.
const STALE_ARGS = '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002';

describe('registry errors from wallets', () => {
  it('finds revert data however a wallet nests it', () => {
    expect(revertDataOf({ code: -32603, data: '0x12345678' })).toBe('0x12345678');
    expect(revertDataOf({ code: -32603, data: { code: 3, message: 'execution reverted', data: '0x12345678aa' } })).toBe('0x12345678aa');
    expect(revertDataOf({ cause: { error: { data: '0xdeadbeef' } } })).toBe('0xdeadbeef');
    expect(revertDataOf({ data: 'not hex', message: '0x12345678' })).toBeUndefined();
    expect(revertDataOf(undefined)).toBeUndefined();
  });

  it("decodes the registry's custom errors, and falls back for anything else", async () => {
    const { toFunctionSelector } = await import('viem');
    const data = `${toFunctionSelector('StaleSeq(uint64,uint64)')}${STALE_ARGS}`;
    const decoded = await registryErrorOr({ data: { data } }, () => new Error('fallback'));
    expect(decoded).toBeInstanceOf(RegistryRevertError);
    expect(decoded).toMatchObject({ errorName: 'StaleSeq', args: [1n, 2n] });
    expect((decoded as Error).message).toContain('read the registry again');
    expect((await registryErrorOr({ data: '0x08c379a0' }, () => new Error('fallback'))).message).toBe('fallback');
  });

  it('says when the user rejected the request in the wallet', () => {
    const rejected = new WalletRequestError('eth_sendTransaction', { code: 4001, message: 'User rejected the request.' });
    expect(rejected.code).toBe(4001);
    expect(rejected.message).toMatch(/rejected in the wallet/);
  });
});
