// Wallet doubles for the identity tests: real keys, the chain's checks played in-process.
import { ec, num, typedData as snip12, type TypedData } from 'starknet';
import { bytesToHex, concat, recoverMessageAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { AccountVerifier } from './accountVerifier.ts';
import { OZ_ACCOUNT_CLASS_HASH, starknetAccountAddress, type StarknetTypedDataSigner } from './starknet.ts';

/** A Starknet wallet: a real Stark key behind an account at `address` (its OZ address unless told). */
export async function starkWallet(chainId = 'SN_SEPOLIA', address?: string): Promise<StarknetTypedDataSigner> {
  const privateKey = ec.starkCurve.utils.randomPrivateKey();
  const publicKey = ec.starkCurve.getStarkKey(privateKey);
  const at = address ?? (await starknetAccountAddress(publicKey, OZ_ACCOUNT_CLASS_HASH));
  return {
    address: at,
    chainId,
    publicKey,
    classHash: OZ_ACCOUNT_CLASS_HASH,
    async signTypedData(data) {
      const { r, s } = ec.starkCurve.sign(snip12.getMessageHash(data as TypedData, at), privateKey);
      return [num.toHex(r), num.toHex(s)];
    },
  };
}

/**
 * An Ethereum contract account (a 1-of-1 multisig): its address is not a key; it answers
 * with its owner's signature, padded the way contract wallets pack theirs. Its `verifier`
 * plays the chain: ERC-1271 accepts the owner's signature of the exact message, on the
 * chain the contract lives on.
 */
export function contractWallet(chainId = 1) {
  const owner = privateKeyToAccount(generatePrivateKey());
  const address = privateKeyToAccount(generatePrivateKey()).address; // any address that is not the owner
  const wallet = {
    address,
    signMessage: async ({ message }: { message: string }) => concat([await owner.signMessage({ message }), `0x${'00'.repeat(31)}01`]),
  };
  const verifier: AccountVerifier = {
    async ethereum(args) {
      if (args.chainId !== chainId || args.address !== address || args.signature.length !== 97) return false;
      return (await recoverMessageAddress({ message: args.message, signature: bytesToHex(args.signature.subarray(0, 65)) })) === owner.address;
    },
  };
  return { wallet, verifier, address };
}
