import type { Address, AnchorWriter, Hash32 } from '../../../core/anchor/AnchorChain.ts';
import { decodeRegistryError, encodeMutation } from './calldata.ts';
import { RegistryRevertError, WalletChainMismatchError, WalletRequestError, revertDataOf } from './errors.ts';
import { DEFAULT_RECEIPT_TIMEOUT_MS, waitForConfirmation } from './receipts.ts';
import { lowerAddress } from './registryKey.ts';
import { registryClient, type RegistryRpc } from './rpc.ts';

/*
 * An admin changes the registry with its own wallet: `eth_sendTransaction` through any
 * EIP-1193 `request` (an injected wallet, WalletConnect, a dev node's unlocked account). The
 * wallet pays; receipts are read from the chain's RPC, which the node trusts more than the
 * wallet's view.
 */

/** An EIP-1193 provider's `request`. */
export type Eip1193Request = (args: { method: string; params?: readonly unknown[] }) => Promise<unknown>;

export interface Eip1193AnchorWriterOptions {
  request: Eip1193Request;
  /** The wallet account that sends (msg.sender: the owner or an admin). */
  from: Address;
  chain: RegistryRpc;
  receiptTimeoutMs?: number;
}

export function eip1193AnchorWriter(options: Eip1193AnchorWriterOptions): AnchorWriter {
  const connect = registryClient(options.chain);
  const from = lowerAddress(options.from, 'from');
  const registry = lowerAddress(options.chain.registry, 'registry');
  return {
    from,
    async submit(context, owner, mutation) {
      await checkWalletChain(options.request, options.chain.chainId);
      const data = await encodeMutation(context, owner, mutation);
      const txHash = await sendTransaction(options.request, { from, to: registry, data });
      return { txHash };
    },
    async wait(tx, confirmations = 1) {
      return waitForConfirmation(await connect(), tx, confirmations, options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS);
    },
  };
}

/** The wallet must be on the registry's chain, or the transaction would go elsewhere. */
export async function checkWalletChain(request: Eip1193Request, chainId: number): Promise<void> {
  let answer: unknown;
  try {
    answer = await request({ method: 'eth_chainId' });
  } catch (e) {
    throw new WalletRequestError('eth_chainId', e);
  }
  const actual = Number(BigInt(answer as string));
  if (actual !== chainId) throw new WalletChainMismatchError(chainId, actual);
}

/**
 * `eth_sendTransaction`; a revert the wallet reports while estimating gas is decoded into a
 * RegistryRevertError (StaleSeq, NotAdmin, …), anything else is a WalletRequestError.
 */
export async function sendTransaction(request: Eip1193Request, tx: { from: Address; to: Address; data: `0x${string}` }): Promise<Hash32> {
  try {
    return (await request({ method: 'eth_sendTransaction', params: [tx] })) as Hash32;
  } catch (e) {
    throw await registryErrorOr(e, () => new WalletRequestError('eth_sendTransaction', e));
  }
}

/** The registry's custom error carried by `e`, else `fallback()`. */
export async function registryErrorOr(e: unknown, fallback: () => Error): Promise<Error> {
  const data = revertDataOf(e);
  const decoded = data && (await decodeRegistryError(data));
  return decoded ? new RegistryRevertError(decoded.errorName, decoded.args) : fallback();
}
