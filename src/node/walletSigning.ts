import {
  challengeClaims,
  ethereumRootId,
  starknetRootId,
  signEthereumDelegation,
  signEthereumRevocation,
  signStarknetDelegation,
  signStarknetRevocation,
  type Challenge,
  type Delegation,
  type ProofOptions,
  type Revocation,
  type RevocationClaims,
} from '../core/identity/index.ts';
import type { WalletAccount } from '../wallets/connector.ts';

/** The CAIP-2 chain a connected wallet account is on. */
export function walletChain(account: WalletAccount): string {
  return account.kind === 'ethereum' ? `eip155:${account.chainId}` : `starknet:${account.chainId}`;
}

/** The canonical root id a wallet account stands for (`eip155:…` checksummed, `starknet:…` lower-case). */
export async function walletRootId(account: WalletAccount): Promise<string> {
  return account.kind === 'ethereum' ? ethereumRootId(account.chainId, account.address) : starknetRootId(account.chainId, account.address);
}

/*
 * An Ethereum signature that does not recover to the account's address may be a contract
 * account's (ERC-1271): it is kept as such (`contract: true`) and checked through the RPC in
 * `options` — or found unverifiable, with a message saying to configure one.
 */

/** Have the wallet sign a login challenge: EIP-4361 for Ethereum, SNIP-12 for Starknet. */
export function signWithWallet(account: WalletAccount, challenge: Challenge, options: ProofOptions = {}): Promise<Delegation> {
  const { claims, fields } = challengeClaims(challenge);
  return account.kind === 'ethereum'
    ? signEthereumDelegation(account, { ...claims, chainId: account.chainId }, fields, { ...options, contract: true })
    : signStarknetDelegation(account, claims, fields, options);
}

/** Have the wallet sign the revocation of one of its root's device keys. */
export function revokeWithWallet(account: WalletAccount, claims: RevocationClaims, options: ProofOptions = {}): Promise<Revocation> {
  return account.kind === 'ethereum' ? signEthereumRevocation(account, claims, { ...options, contract: true }) : signStarknetRevocation(account, claims, options);
}
