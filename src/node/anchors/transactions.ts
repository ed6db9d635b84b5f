import type { AnchorChain, AnchorWriter, Hash32, RegistryMutation } from '../../core/anchor/AnchorChain.ts';
import type { AnchorTxView } from './view.ts';

export const ANCHOR_TX = {
  /** Attempts when compare-and-swap loses (someone else moved `seq` first). */
  attempts: 3,
  /** Transactions kept for the panel. */
  shown: 20,
} as const;

const isStaleSeq = (e: unknown) => (e as { errorName?: string })?.errorName === 'StaleSeq';

/** A declined prompt is final: asking the wallet again would only nag its user. */
const isDeclined = (e: unknown) => (e as Error)?.name === 'WalletRejectedError';

/**
 * The transactions of one context, with their status for the panel: signing (the wallet
 * is asked), pending (sent), confirmed or failed, gas used. A mutation guarded by `seq` is
 * rebuilt on the registry's current seq and retried when compare-and-swap lost.
 */
export function anchorTransactions(d: { context: Hash32; chain: AnchorChain; owner: `0x${string}`; confirmations: number; now(): number; onChange(): void }) {
  const txs: AnchorTxView[] = [];

  async function run(kind: AnchorTxView['kind'], writer: AnchorWriter, build: (seq: bigint) => RegistryMutation): Promise<AnchorTxView> {
    const entry: AnchorTxView = { kind, state: 'signing', attempts: 0, at: d.now() };
    txs.unshift(entry);
    if (txs.length > ANCHOR_TX.shown) txs.pop();
    d.onChange();
    try {
      while (entry.attempts < ANCHOR_TX.attempts) {
        entry.attempts++;
        entry.state = 'signing';
        const { seq } = await d.chain.view(d.context, d.owner);
        const mutation = build(seq);
        let sent;
        try {
          sent = await writer.submit(d.context, d.owner, mutation);
        } catch (e) {
          // Wallets estimate gas first: a lost compare-and-swap shows up here, as the registry's StaleSeq.
          // Not every wallet passes the revert data on: a seq that moved says the same.
          if (isStaleSeq(e) || ('expectedSeq' in mutation && (await d.chain.view(d.context, d.owner)).seq !== mutation.expectedSeq)) continue;
          throw e;
        }
        entry.state = 'pending';
        entry.txHash = sent.txHash;
        d.onChange();
        // A writer counts the including block as the first confirmation; Settings count blocks on top.
        const done = await writer.wait(sent, d.confirmations + 1);
        entry.blockNumber = done.blockNumber.toString();
        entry.gasUsed = done.gasUsed.toString();
        if (done.success) {
          entry.state = 'confirmed';
          return entry;
        }
        const guarded = 'expectedSeq' in mutation;
        const moved = guarded && (await d.chain.view(d.context, d.owner)).seq !== mutation.expectedSeq;
        if (!moved) throw new Error(`the registry refused the ${kind} (tx ${sent.txHash} reverted)`);
      }
      throw new Error(`the registry's seq kept moving: ${ANCHOR_TX.attempts} attempts lost compare-and-swap`);
    } catch (e) {
      entry.state = 'failed';
      entry.error = isDeclined(e) ? `the wallet declined: ${(e as Error).message}` : (e as Error).message;
      return entry;
    } finally {
      d.onChange();
    }
  }

  return { run, list: (): AnchorTxView[] => txs.map((t) => ({ ...t })) };
}
