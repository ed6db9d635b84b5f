import {
  challengeClaims,
  signEthereumDelegation,
  signEthereumRevocation,
  signStarknetDelegation,
  signStarknetRevocation,
  type Challenge,
  type Delegation,
  type Revocation,
  type RevocationClaims,
} from '../core/identity/index.ts';
import type { WalletAccount } from '../wallets/connector.ts';

/** The CAIP-2 chain a connected wallet account is on. */
export function walletChain(account: WalletAccount): string {
  return account.kind === 'ethereum' ? `eip155:${account.chainId}` : `starknet:${account.chainId}`;
}

/** Have the wallet sign a login challenge: EIP-4361 for Ethereum, SNIP-12 for Starknet. */
export function signWithWallet(account: WalletAccount, challenge: Challenge): Promise<Delegation> {
  const { claims, fields } = challengeClaims(challenge);
  return account.kind === 'ethereum'
    ? signEthereumDelegation(account, { ...claims, chainId: account.chainId }, fields)
    : signStarknetDelegation(account, claims, fields);
}

/** Have the wallet sign the revocation of one of its root's device keys. */
export function revokeWithWallet(account: WalletAccount, claims: RevocationClaims): Promise<Revocation> {
  return account.kind === 'ethereum' ? signEthereumRevocation(account, claims) : signStarknetRevocation(account, claims);
}
