import { describe, expect, test } from 'vitest';
import { decodeOp, encodeOp, signOp } from '../ops/op.ts';
import { seedSigner } from '../crypto/index.ts';
import type { Address, Hash32 } from './AnchorChain.ts';
import { addressBytes, AnchorBindingError, anchorFieldOf, anchoredRevokeBody, bindingOf, evidenceMismatch, genesisAnchorRefusal, opKeyOf, sameAddress, type KeyRevokedEvent } from './binding.ts';

const OWNER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const word = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash32;
const event: KeyRevokedEvent = {
  kind: 'key-revoked',
  clientKey: word(0xabc),
  by: OWNER,
  asAdmin: true,
  at: { blockNumber: 123n, blockHash: word(1), txHash: word(0x77), logIndex: 4, timestamp: 1_764_000_000 },
};

describe('the chain binding', () => {
  test('round-trips through the genesis field, lowercased', () => {
    expect(bindingOf(anchorFieldOf({ chainId: 10, registry: REGISTRY, owner: OWNER }))).toEqual({ chainId: 10, registry: REGISTRY.toLowerCase(), owner: OWNER.toLowerCase() });
    expect(() => anchorFieldOf({ chainId: 0, registry: REGISTRY, owner: OWNER })).toThrow(AnchorBindingError);
    expect(() => addressBytes('0x1234')).toThrow(/40 hex digits/);
    expect(() => opKeyOf('0xzz' as Hash32)).toThrow(/64 hex digits/);
    expect(sameAddress(OWNER, OWNER.toLowerCase())).toBe(true);
  });

  test('only the owner, as an Ethereum root, creates an anchored context', () => {
    const b = { chainId: 1, registry: REGISTRY.toLowerCase() as Address, owner: OWNER.toLowerCase() as Address };
    expect(genesisAnchorRefusal(b, `eip155:1:${OWNER}`)).toBeUndefined();
    // Any chain id in the root: the address is the same account on every EVM chain.
    expect(genesisAnchorRefusal(b, `eip155:137:${OWNER}`)).toBeUndefined();
    expect(genesisAnchorRefusal(b, `eip155:1:0x${'1'.repeat(40)}`)).toMatch(/is not the creator's address/);
    expect(genesisAnchorRefusal(b, `starknet:SN_MAIN:0x${'1'.repeat(40)}`)).toMatch(/Ethereum \(eip155\) root/);
    expect(genesisAnchorRefusal({ ...b, registry: `0x${'0'.repeat(40)}` }, `eip155:1:${OWNER}`)).toMatch(/zero address/);
  });
});

describe('chain evidence', () => {
  test('the op body built from an event matches it, and survives the wire', async () => {
    const body = anchoredRevokeBody(event);
    expect(evidenceMismatch(event, body.clientKey, body.evidence)).toBeUndefined();
    const signer = await seedSigner(new Uint8Array(32).fill(3));
    const o = await signOp(signer, { context: new Uint8Array(32).fill(1), parents: [new Uint8Array(32).fill(2)], time: 5, body });
    expect(decodeOp(encodeOp(o)).body).toEqual(body);
  });

  test('every field must be what the chain says', () => {
    const body = anchoredRevokeBody(event);
    const cases: [Partial<KeyRevokedEvent> | undefined, RegExp][] = [
      [undefined, /no event at tx/],
      [{ clientKey: word(0xabd) }, /revokes another key/],
      [{ by: `0x${'2'.repeat(40)}` }, /was sent by/],
      [{ asAdmin: false }, /as the key owner/],
      [{ at: { ...event.at, blockNumber: 124n } }, /in block 124/],
      [{ at: { ...event.at, timestamp: 1 } }, /is timed 1/],
    ];
    for (const [change, message] of cases) expect(evidenceMismatch(change && { ...event, ...change }, body.clientKey, body.evidence)).toMatch(message);
    expect(evidenceMismatch({ kind: 'app-set', seq: 1n, appHash: word(9), by: OWNER, at: event.at }, body.clientKey, body.evidence)).toMatch(/app-set event/);
  });
});
