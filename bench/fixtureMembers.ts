// The fixture's members: deterministic seeds and devices (browser-safe: the bench page seeds
// a profile's store with the owner, bench/fixturePage.ts).
import { T0, type Device } from '../src/core/context/testkit.ts';
import { seedSigner } from '../src/core/crypto/index.ts';
import { delegationCodec, signLocalDelegation } from '../src/core/identity/index.ts';
import { webCryptoHeldSigner } from './ed25519.ts';

const DAY = 86_400_000;

/** Member `n`'s seeds (0: the owner): a node given them in its store signs as that member. */
export const memberSeeds = (n: number) => ({ root: new Uint8Array(32).fill(0x40 + n), device: new Uint8Array(32).fill(0xc0 + n) });

/** Member `n`'s device: its key held by WebCrypto, delegated by its local root (deterministic bytes). */
export async function memberDevice(n: number): Promise<Device & { rootPublicKey: Uint8Array; expiresAt: number }> {
  const seeds = memberSeeds(n);
  const root = await seedSigner(seeds.root);
  return { ...(await heldKeyDevice(root, seeds.device)), rootPublicKey: root.publicKey, expiresAt: T0 + 300 * DAY };
}

async function heldKeyDevice(root: Awaited<ReturnType<typeof seedSigner>>, seed: Uint8Array): Promise<Device> {
  const signer = await webCryptoHeldSigner(seed);
  const delegation = await signLocalDelegation(root, { clientKey: signer.publicKey, label: 'growth', issuedAt: T0 - DAY, expiresAt: T0 + 300 * DAY });
  return { signer, delegation: delegationCodec.encode(delegation) };
}

