import type { Address, AnchorWriter } from '../../../core/anchor/AnchorChain.ts';
import { encodeRelayed } from './calldata.ts';
import { WalletRequestError } from './errors.ts';
import { checkWalletChain, registryErrorOr, sendTransaction, type Eip1193Request } from './eip1193AnchorWriter.ts';
import { DEFAULT_RECEIPT_TIMEOUT_MS, waitForConfirmation } from './receipts.ts';
import { lowerAddress } from './registryKey.ts';
import { registryClient, type RegistryRpc } from './rpc.ts';
import { registryTypedData, type RegistryTypedData } from './typedData.ts';

/*
 * An admin signs (EIP-712, `eth_signTypedData_v4`) and a relayer pays: the relayer sends the
 * registry's `…BySig` variant, whose authority is the signer, not msg.sender. The signature
 * binds the registry, the chain, the context, the mutation (with its expected seq) and a
 * deadline, so a relayer can only submit it as signed, once (seq) and in time.
 */

/** How long a signature stays valid by default: enough for a relayer to get it mined. */
export const DEFAULT_SIGNATURE_TTL_SECONDS = 600;

/** Who sends and pays: an EIP-1193 account (e.g. a dev node's unlocked account) or a private key. */
export type Relayer = { request: Eip1193Request; from: Address } | { privateKey: `0x${string}` };

export interface RelayedAnchorWriterOptions {
  /** Signs typed data as `signer`, e.g. `(td) => request({ method: 'eth_signTypedData_v4', params: [signer, typedDataJson(td)] })`. */
  signTypedData: (typedData: RegistryTypedData) => Promise<`0x${string}`>;
  /** The admin (EOA or ERC-1271 contract account) whose signature authorises the change. */
  signer: Address;
  relayer: Relayer;
  chain: RegistryRpc;
  /** Seconds from now until the signature expires (default DEFAULT_SIGNATURE_TTL_SECONDS). */
  ttlSeconds?: number;
  receiptTimeoutMs?: number;
}

export function relayedAnchorWriter(options: RelayedAnchorWriterOptions): AnchorWriter {
  const connect = registryClient(options.chain);
  const signer = lowerAddress(options.signer, 'signer');
  const registry = lowerAddress(options.chain.registry, 'registry');
  const { chainId } = options.chain;
  const relay = relaySender(options.relayer, options.chain);
  return {
    from: signer,
    async submit(context, owner, mutation) {
      const deadline = BigInt(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? DEFAULT_SIGNATURE_TTL_SECONDS));
      const typedData = registryTypedData({ chainId, registry, context, owner, mutation, deadline });
      let signature: `0x${string}`;
      try {
        signature = await options.signTypedData(typedData);
      } catch (e) {
        throw new WalletRequestError('eth_signTypedData_v4', e);
      }
      const data = await encodeRelayed(context, owner, mutation, signer, deadline, signature);
      return { txHash: await relay(registry, data) };
    },
    async wait(tx, confirmations = 1) {
      return waitForConfirmation(await connect(), tx, confirmations, options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS);
    },
  };
}

function relaySender(relayer: Relayer, chain: RegistryRpc): (to: Address, data: `0x${string}`) => Promise<`0x${string}`> {
  if ('request' in relayer) {
    const from = lowerAddress(relayer.from, 'relayer');
    return async (to, data) => {
      await checkWalletChain(relayer.request, chain.chainId);
      return sendTransaction(relayer.request, { from, to, data });
    };
  }
  const connect = registryClient(chain);
  return async (to, data) => {
    const c = await connect();
    const { privateKeyToAccount } = await import('viem/accounts');
    const account = privateKeyToAccount(relayer.privateKey);
    const wallet = c.viem.createWalletClient({ account, transport: c.viem.http(chain.rpcUrl, { timeout: c.rpc.timeoutMs, retryCount: 0 }) });
    try {
      // The chain id was checked by connect(); viem signs locally and sends eth_sendRawTransaction.
      return await wallet.sendTransaction({ to, data, chain: null });
    } catch (e) {
      throw await registryErrorOr(e, () => new WalletRequestError('eth_sendRawTransaction', e));
    }
  };
}
