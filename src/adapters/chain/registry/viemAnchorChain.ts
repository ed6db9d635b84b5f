import type { AnchorChain, ChainPosition, RegistryEvent, RegistryView } from '../../../core/anchor/AnchorChain.ts';
import { RegistryMissingError } from './errors.ts';
import { lowerAddress, registryKey } from './registryKey.ts';
import { RpcUnavailableError } from '../rpcAccountVerifier.ts';
import { registryClient, type RegistryClient, type RegistryRpc } from './rpc.ts';

/*
 * AnchorChain over an EVM JSON-RPC and the TabnodeRegistry contract: views through eth_call,
 * events through eth_getLogs filtered by the context's key (every registry event's first
 * topic), each with its block's timestamp. viem and the ABI load on first use.
 */

interface RawLog {
  address: string;
  topics: readonly `0x${string}`[];
  data: `0x${string}`;
  blockNumber: bigint | `0x${string}` | null;
  blockHash: `0x${string}` | null;
  transactionHash: `0x${string}` | null;
  logIndex: number | `0x${string}` | null;
}

/** Block timestamps kept per block hash (a block's time never changes); cleared past this many. */
const TIMESTAMP_CACHE = 1_024;

/** Blocks per eth_getLogs request by default: hosted RPCs refuse wider ranges (often 10,000). */
export const DEFAULT_LOG_RANGE_BLOCKS = 5_000n;

export interface ViemAnchorChainOptions extends RegistryRpc {
  /** Blocks per eth_getLogs request (default DEFAULT_LOG_RANGE_BLOCKS); a wider range is read in slices. */
  logRangeBlocks?: bigint;
}

export function viemAnchorChain(options: ViemAnchorChainOptions): AnchorChain {
  const logRange = options.logRangeBlocks ?? DEFAULT_LOG_RANGE_BLOCKS;
  if (!(logRange > 0n)) throw new RangeError(`logRangeBlocks must be positive, not ${logRange}`);
  const connect = registryClient(options);
  const registry = lowerAddress(options.registry, 'registry');
  const timestamps = new Map<string, number>();

  const read = async <T>(c: RegistryClient, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      const { ContractFunctionZeroDataError, BaseError } = c.viem;
      if (e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionZeroDataError)) throw new RegistryMissingError(options.chainId, registry);
      return c.call(() => Promise.reject(e));
    }
  };

  const timestampOf = async (c: RegistryClient, blockHash: `0x${string}`): Promise<number> => {
    const known = timestamps.get(blockHash);
    if (known !== undefined) return known;
    const block = await c.call(() => c.client.getBlock({ blockHash }));
    if (timestamps.size >= TIMESTAMP_CACHE) timestamps.clear();
    timestamps.set(blockHash, Number(block.timestamp));
    return Number(block.timestamp);
  };

  const decode = async (c: RegistryClient, log: RawLog): Promise<RegistryEvent | undefined> => {
    const { registryAbi } = await import('./artifact.ts');
    let decoded;
    try {
      decoded = c.viem.decodeEventLog({ abi: registryAbi, topics: log.topics as [`0x${string}`, ...`0x${string}`[]], data: log.data });
    } catch {
      return undefined; // not a registry event (another contract at a mistaken address)
    }
    if (log.blockHash === null || log.transactionHash === null || log.blockNumber === null || log.logIndex === null) return undefined; // pending
    const at: ChainPosition = {
      blockNumber: BigInt(log.blockNumber),
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: Number(log.logIndex),
      timestamp: await timestampOf(c, log.blockHash),
    };
    switch (decoded.eventName) {
      case 'Registered': {
        const a = decoded.args;
        return { kind: 'registered', seq: a.seq, appHash: a.appHash, admins: a.admins.map((x) => lowerAddress(x)), by: lowerAddress(a.by), at };
      }
      case 'AdminSet': {
        const a = decoded.args;
        return { kind: 'admin-set', seq: a.seq, admin: lowerAddress(a.admin), enabled: a.enabled, by: lowerAddress(a.by), at };
      }
      case 'Anchored': {
        const a = decoded.args;
        return {
          kind: 'anchored',
          seq: a.seq,
          record: { govHead: a.govHead, memberRoot: a.memberRoot, stateRoot: a.stateRoot, epoch: a.epoch },
          by: lowerAddress(a.by),
          at,
        };
      }
      case 'AppSet': {
        const a = decoded.args;
        return { kind: 'app-set', seq: a.seq, appHash: a.appHash, by: lowerAddress(a.by), at };
      }
      case 'KeyRevoked': {
        const a = decoded.args;
        return { kind: 'key-revoked', clientKey: a.clientKey, by: lowerAddress(a.by), asAdmin: a.asAdmin, at };
      }
    }
  };

  return {
    chainId: options.chainId,
    registry,

    async blockNumber() {
      const c = await connect();
      return c.call(() => c.client.getBlockNumber());
    },

    async view(context, owner): Promise<RegistryView> {
      const c = await connect();
      const { registryAbi } = await import('./artifact.ts');
      const [registered, seq, anchorHash, appHash] = await read(c, () =>
        c.client.readContract({ address: registry, abi: registryAbi, functionName: 'contextOf', args: [context, owner] }),
      );
      return { registered, seq, anchorHash, appHash };
    },

    async isAdmin(context, owner, who) {
      const c = await connect();
      const { registryAbi } = await import('./artifact.ts');
      return read(c, () => c.client.readContract({ address: registry, abi: registryAbi, functionName: 'isAdmin', args: [context, owner, who] }));
    },

    async isRevoked(context, owner, clientKey) {
      const c = await connect();
      const { registryAbi } = await import('./artifact.ts');
      return read(c, () => c.client.readContract({ address: registry, abi: registryAbi, functionName: 'isRevoked', args: [context, owner, clientKey] }));
    },

    async events(context, owner, fromBlock, toBlock) {
      if (toBlock < fromBlock) return [];
      const c = await connect();
      const key = registryKey(context, owner);
      const { numberToHex } = c.viem;
      const events: RegistryEvent[] = [];
      for (let from = fromBlock; from <= toBlock; from += logRange) {
        const to = from + logRange - 1n < toBlock ? from + logRange - 1n : toBlock;
        const logs = (await c.call(() =>
          c.client.request({
            method: 'eth_getLogs',
            params: [{ address: registry, topics: [null, key], fromBlock: numberToHex(from), toBlock: numberToHex(to) }],
          }),
        )) as unknown as RawLog[];
        for (const log of logs) {
          const event = await decode(c, log);
          if (event) events.push(event);
        }
      }
      // Chain order, whatever order the node answered in.
      return events.sort((a, b) => (a.at.blockNumber === b.at.blockNumber ? a.at.logIndex - b.at.logIndex : a.at.blockNumber < b.at.blockNumber ? -1 : 1));
    },

    async eventAt(context, owner, txHash, logIndex) {
      const c = await connect();
      const key = registryKey(context, owner);
      let receipt;
      try {
        receipt = await c.client.getTransactionReceipt({ hash: txHash });
      } catch (e) {
        if (e instanceof c.viem.TransactionReceiptNotFoundError) return undefined;
        throw new RpcUnavailableError('Ethereum', options.rpcUrl, e);
      }
      const log = receipt.logs.find((l) => l.logIndex === logIndex);
      if (!log || log.address.toLowerCase() !== registry || log.topics[1]?.toLowerCase() !== key) return undefined;
      return decode(c, log as RawLog);
    },
  };
}
