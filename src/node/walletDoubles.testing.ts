// A wallet for node tests: it signs with a real secp256k1 key, as an injected wallet would.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { EthereumWalletAccount } from '../wallets/connector.ts';

/** An Ethereum wallet account that signs EIP-191 messages and typed data; it sends no transactions. */
export function ethereumWallet(privateKey = generatePrivateKey(), chainId = 1): EthereumWalletAccount {
  const account = privateKeyToAccount(privateKey);
  return {
    kind: 'ethereum',
    address: account.address,
    chainId,
    signMessage: ({ message }) => account.signMessage({ message }),
    sendTransaction: () => Promise.reject(new Error('this test wallet sends no transactions')),
    signTypedData: (data) => account.signTypedData(data as never),
  };
}
