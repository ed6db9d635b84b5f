// Doubles for the anchor tests: Ethereum-rooted people (real EOA keys) and a chain registry
// played in memory, answering eventAt like the RPC adapter.
import { privateKeyToAccount } from 'viem/accounts';
import { T0, type Device, type Person } from '../context/testkit.ts';
import { seedSigner, toHex, type Signer } from '../crypto/index.ts';
import { delegationCodec, signEthereumDelegation, type AnchorEventSource, type RootId } from '../identity/index.ts';
import type { Address, AnchorBinding, Hash32, RegistryEvent } from './AnchorChain.ts';
import { anchoredRevokeBody, type KeyRevokedEvent } from './binding.ts';

export const APP = 'https://tabnode.example';
const DAY = 86_400_000;
let deviceSeeds = 1;

export interface EthPerson extends Pick<Person, 'name' | 'rootId' | 'device'> {
  address: Address;
  /** A further device of this root. */
  newDevice(label?: string): Promise<Device>;
}

/** A person whose root is an Ethereum EOA (eip155:1), with one device delegated on APP. */
export async function ethPerson(name: string, n: number): Promise<EthPerson> {
  const account = privateKeyToAccount(`0x${(n + 0x1000).toString(16).padStart(64, '0')}`);
  const newDevice = async (label = 'device'): Promise<Device> => {
    const seed = new Uint8Array(32);
    seed.set([deviceSeeds & 0xff, deviceSeeds++ >> 8, 0xa7, n & 0xff]);
    const signer: Signer = await seedSigner(seed);
    const d = await signEthereumDelegation(
      account,
      { clientKey: signer.publicKey, label, issuedAt: T0 - DAY, expiresAt: T0 + 300 * DAY, chainId: 1 },
      { domain: new URL(APP).host, uri: `${APP}/`, nonce: 'n0nce1234abcd' },
    );
    return { signer, delegation: delegationCodec.encode(d) };
  };
  const device = await newDevice(name);
  const rootId = delegationCodec.decode(device.delegation).claims.root as RootId;
  return { name, rootId, device, address: account.address.toLowerCase() as Address, newDevice };
}

export const REGISTRY: Address = '0x5fbdb2315678afecb367f032d93f642f64180aa3';

export function bindingFor(owner: { address: Address }, chainId = 31337): AnchorBinding {
  return { chainId, registry: REGISTRY, owner: owner.address };
}

/** A registry on one chain, in memory: revocations land as events; eventAt reads them back. */
export function memoryRegistry(binding: AnchorBinding) {
  const events = new Map<string, RegistryEvent>();
  let block = 100n;
  let calls = 0;
  const source: AnchorEventSource = {
    async eventAt(b, _context, txHash, logIndex) {
      calls++;
      if (b.chainId !== binding.chainId || b.registry !== binding.registry || b.owner !== binding.owner) return undefined;
      return events.get(`${txHash}:${logIndex}`);
    },
  };
  return {
    source,
    calls: () => calls,
    /** `by` revokes `key` on chain; returns the event (as a node's RPC would read it). */
    revoke(key: Device | Uint8Array, by: Address, asAdmin: boolean): KeyRevokedEvent {
      block++;
      const clientKey = `0x${toHex(key instanceof Uint8Array ? key : key.signer.publicKey)}` as Hash32;
      const txHash = `0x${block.toString(16).padStart(64, '0')}` as Hash32;
      const event: KeyRevokedEvent = {
        kind: 'key-revoked',
        clientKey,
        by,
        asAdmin,
        at: { blockNumber: block, blockHash: txHash, txHash, logIndex: 0, timestamp: Math.floor(T0 / 1000) + Number(block) * 12 },
      };
      events.set(`${txHash}:0`, event);
      return event;
    },
    importBody: anchoredRevokeBody,
  };
}
