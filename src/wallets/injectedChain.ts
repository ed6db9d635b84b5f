/*
 * Getting an injected EIP-1193 wallet onto the chain a transaction needs: EIP-3326
 * `wallet_switchEthereumChain`, and when the wallet does not know the chain (4902) EIP-3085
 * `wallet_addEthereumChain` with the caller's parameters, then the switch again.
 */
import { numberToHex } from 'viem';
import type { EthereumChainParams } from './connector.ts';
import { WalletChainError, WalletRejectedError } from './connector.ts';

type RawRequest = (method: string, params?: unknown) => Promise<unknown>;

const USER_REJECTED = 4001;
/** EIP-3326: the wallet does not know this chain. */
const UNRECOGNIZED_CHAIN = 4902;

/** The wallet's current chain, from `eth_chainId`. */
export type ChainIdReader = () => Promise<number>;

export async function ensureChain(
  wallet: string,
  raw: RawRequest,
  currentChain: ChainIdReader,
  chainId: number,
  chain?: EthereumChainParams,
): Promise<void> {
  if ((await currentChain()) === chainId) return;
  const hexId = numberToHex(chainId);
  const switchTo = () => raw('wallet_switchEthereumChain', [{ chainId: hexId }]);
  try {
    await switchTo();
  } catch (err) {
    const code = errorCode(err);
    if (code === USER_REJECTED) throw new WalletRejectedError(wallet, `switching to chain ${chainId} (${messageOf(err)})`);
    if (code !== UNRECOGNIZED_CHAIN) {
      throw new WalletChainError(`${wallet} will not switch to chain ${chainId} (${messageOf(err)}): switch it to that network yourself and try again`, chainId);
    }
    if (!chain) {
      throw new WalletChainError(`${wallet} does not know chain ${chainId}: add that network to the wallet (or configure its RPC URL so the app can offer it) and try again`, chainId);
    }
    try {
      await raw('wallet_addEthereumChain', [{ chainId: hexId, ...chain }]);
    } catch (addErr) {
      if (errorCode(addErr) === USER_REJECTED) throw new WalletRejectedError(wallet, `adding chain ${chainId} (${messageOf(addErr)})`);
      throw new WalletChainError(`${wallet} could not add chain ${chainId} (${chain.chainName}, ${chain.rpcUrls[0] ?? 'no RPC URL'}): ${messageOf(addErr)}`, chainId);
    }
    // Most wallets switch while adding; the others need asking again.
    if ((await currentChain()) !== chainId) {
      try {
        await switchTo();
      } catch (again) {
        if (errorCode(again) === USER_REJECTED) throw new WalletRejectedError(wallet, `switching to chain ${chainId} (${messageOf(again)})`);
        throw new WalletChainError(`${wallet} added chain ${chainId} but will not switch to it: ${messageOf(again)}`, chainId);
      }
    }
  }
  const now = await currentChain();
  if (now !== chainId) {
    throw new WalletChainError(`${wallet} is still on chain ${now} after switching to chain ${chainId}: switch it to that network yourself and try again`, chainId);
  }
}

/** The EIP-1193 code, also where MetaMask mobile nests it (`data.originalError.code`). */
export function errorCode(err: unknown): number | undefined {
  const { code, data } = (err ?? {}) as { code?: unknown; data?: { originalError?: { code?: unknown } } };
  const nested = data?.originalError?.code;
  if (typeof nested === 'number') return nested;
  return typeof code === 'number' ? code : undefined;
}

function messageOf(err: unknown): string {
  const { message } = (err ?? {}) as { message?: unknown };
  return typeof message === 'string' && message ? message : String(err);
}
