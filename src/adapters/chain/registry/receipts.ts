import type { ConfirmedTx, SubmittedTx } from '../../../core/anchor/AnchorChain.ts';
import { ReceiptTimeoutError } from './errors.ts';
import type { RegistryClient } from './rpc.ts';

/** How long a writer waits for a receipt by default: a slow L1 block or two, with room. */
export const DEFAULT_RECEIPT_TIMEOUT_MS = 180_000;

/** Waits, through the chain's own RPC (not the wallet's), until `tx` has `confirmations` blocks. */
export async function waitForConfirmation(c: RegistryClient, tx: SubmittedTx, confirmations: number, timeoutMs: number): Promise<ConfirmedTx> {
  if (!(Number.isInteger(confirmations) && confirmations >= 1)) throw new RangeError(`confirmations must be a whole number ≥ 1, not ${confirmations}`);
  let receipt;
  try {
    receipt = await c.client.waitForTransactionReceipt({ hash: tx.txHash, confirmations, timeout: timeoutMs, pollingInterval: 250 });
  } catch (e) {
    if (e instanceof c.viem.WaitForTransactionReceiptTimeoutError) throw new ReceiptTimeoutError(tx.txHash, timeoutMs);
    return c.call(() => Promise.reject(e));
  }
  return { txHash: tx.txHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, success: receipt.status === 'success' };
}
