// Delegations and revocations of every proof kind, really signed with fixed keys (so the
// seeds, and with them a fuzz run, are the same on every machine).
import { ec, typedData as snip12, num, type TypedData } from 'starknet';
import { bytesToHex, concat, recoverMessageAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { T0, person, type Person } from '../../src/core/context/testkit.ts';
import {
  OZ_ACCOUNT_CLASS_HASH,
  delegationCodec,
  revocationCodec,
  signEthereumDelegation,
  signEthereumRevocation,
  signLocalDelegation,
  signLocalRevocation,
  signStarknetDelegation,
  signStarknetRevocation,
  starknetAccountAddress,
  starknetRootId,
  type AccountVerifier,
  type RootId,
  type StarknetTypedDataSigner,
} from '../../src/core/identity/index.ts';
import { ethereumRootId } from '../../src/core/identity/siwe.ts';

const DAY = 86_400_000;
const FIELDS = { domain: 'app.example:8443', uri: 'https://app.example:8443/login', nonce: 'n0nce8charsLong' };

export interface IdentitySamples {
  alice: Person;
  bob: Person;
  carol: Person;
  /** Encoded delegations: local, EIP-4361, ERC-1271, SNIP-12. */
  delegations: Uint8Array[];
  /** Encoded revocations: local, EIP-191, ERC-1271, SNIP-12. */
  revocations: Uint8Array[];
}

let built: Promise<IdentitySamples> | undefined;

export function identitySamples(): Promise<IdentitySamples> {
  built ??= build();
  return built;
}

async function build(): Promise<IdentitySamples> {
  const alice = await person('alice', 1);
  const bob = await person('bob', 2);
  const carol = await person('carol ✓ ünïcode', 3);
  const clientKey = bob.device.signer.publicKey;
  const claims = { clientKey, label: 'Laptop — “work”', issuedAt: T0 - DAY, expiresAt: T0 + 30 * DAY };

  const eoa = privateKeyToAccount(`0x${'11'.repeat(32)}`);
  const contract = contractAccount();
  const stark = await starkAccount();

  const delegations = [
    await signLocalDelegation(alice.root, claims),
    await signLocalDelegation(carol.root, { ...claims, label: '' }),
    await signEthereumDelegation(eoa, { ...claims, chainId: 1 }, FIELDS),
    await signEthereumDelegation(contract.wallet, { ...claims, chainId: 10 }, FIELDS, { contract: true, accounts: contract.verifier }),
    await signStarknetDelegation(stark, claims, { ...FIELDS, nonce: 'A'.repeat(64) }),
  ].map((d) => delegationCodec.encode(d));

  const revoked = { clientKey, revokedAt: T0, reason: 'lost on a train' };
  const revocations = [
    await signLocalRevocation(alice.root, revoked),
    await signLocalRevocation(carol.root, { ...revoked, reason: '' }),
    await signEthereumRevocation(eoa, { ...revoked, root: (await ethereumRootId(1, eoa.address)) as RootId }),
    await signEthereumRevocation(contract.wallet, { ...revoked, root: (await ethereumRootId(10, contract.wallet.address)) as RootId }, { contract: true, accounts: contract.verifier }),
    await signStarknetRevocation(stark, { ...revoked, root: starknetRootId(stark.chainId, stark.address) as RootId }),
  ].map((r) => revocationCodec.encode(r));

  return { alice, bob, carol, delegations, revocations };
}

/** An ERC-1271 account (a 1-of-1 multisig) with a fixed owner; its verifier plays the chain. */
function contractAccount(): { wallet: { address: string; signMessage(args: { message: string }): Promise<string> }; verifier: AccountVerifier } {
  const owner = privateKeyToAccount(`0x${'22'.repeat(32)}`);
  const address = privateKeyToAccount(`0x${'33'.repeat(32)}`).address;
  return {
    wallet: { address, signMessage: async ({ message }) => concat([await owner.signMessage({ message }), `0x${'00'.repeat(31)}01`]) },
    verifier: {
      async ethereum(args) {
        const signer = await recoverMessageAddress({ message: args.message, signature: bytesToHex(args.signature.subarray(0, 65)) });
        return args.address === address && signer === owner.address;
      },
    },
  };
}

/** An OpenZeppelin Starknet account with a fixed key. */
async function starkAccount(): Promise<StarknetTypedDataSigner> {
  const privateKey = `0x${'0a'.repeat(31)}`;
  const publicKey = ec.starkCurve.getStarkKey(privateKey);
  const address = await starknetAccountAddress(publicKey, OZ_ACCOUNT_CLASS_HASH);
  return {
    address,
    chainId: 'SN_SEPOLIA',
    publicKey,
    classHash: OZ_ACCOUNT_CLASS_HASH,
    async signTypedData(data) {
      const { r, s } = ec.starkCurve.sign(snip12.getMessageHash(data as TypedData, address), privateKey);
      return [num.toHex(r), num.toHex(s)];
    },
  };
}
