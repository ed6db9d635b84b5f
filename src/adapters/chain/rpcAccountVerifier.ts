import type { AccountVerifier } from '../../core/identity/accountVerifier.ts';

/*
 * Contract-account signatures checked by the account's own chain, over JSON-RPC: ERC-1271
 * `isValidSignature` on Ethereum, `is_valid_signature` on Starknet.
 *
 * viem and starknet.js are imported only dynamically, inside the checks: this adapter is
 * wired in at start-up but must not pull either library into the first-load bundle.
 */

/** Bound on each RPC request: a check never waits longer than this for the network. */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** ERC-1271's answer for "this signature is mine". */
const ERC1271_MAGIC = '0x1626ba7e';
/** Starknet SRC-6 accounts answer the short string 'VALID'; older accounts answer 1 (true). */
const STARKNET_VALID = [0x56414c4944n, 1n];
/**
 * Starknet JSON-RPC errors that mean "this account does not vouch for the signature":
 * CONTRACT_NOT_FOUND (20), ENTRYPOINT_NOT_FOUND (21), CONTRACT_ERROR (40, the call reverted,
 * as accounts such as Argent do on a bad signature). Any other error says nothing about it.
 */
const STARKNET_REFUSING_CODES = new Set([20, 21, 40]);

const ERC1271_ABI = [
  {
    type: 'function',
    name: 'isValidSignature',
    stateMutability: 'view',
    inputs: [
      { name: 'hash', type: 'bytes32' },
      { name: 'signature', type: 'bytes' },
    ],
    outputs: [{ name: 'magicValue', type: 'bytes4' }],
  },
] as const;

export interface RpcAccountVerifierOptions {
  /** Ethereum JSON-RPC endpoint (http or https) of the chain the contract accounts live on. */
  ethereum?: string;
  /** Starknet JSON-RPC endpoint (http or https, spec 0.7 or later). */
  starknet?: string;
  /** Per request, in ms (default `DEFAULT_RPC_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** An RPC URL that cannot be used; thrown when the verifier is built, so Settings can say so at once. */
export class RpcUrlError extends Error {
  override readonly name = 'RpcUrlError';
  constructor(readonly url: string) {
    super(`${JSON.stringify(url.slice(0, 200))} is not an http(s) RPC URL: enter one like https://rpc.example.org in Settings`);
  }
}

/** The RPC could not be asked (refused, timed out, not JSON-RPC, or an error unrelated to the signature). */
export class RpcUnavailableError extends Error {
  override readonly name = 'RpcUnavailableError';
  constructor(
    readonly chain: 'Ethereum' | 'Starknet',
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`the ${chain} RPC at ${redactUrl(url)} did not answer (${describe(cause)}); check the RPC URL in Settings or try again later`);
  }
}

/**
 * The RPC serves another chain than the account's. Thrown rather than answered `false`: a
 * wrong chain says nothing about the signature, so core reports the proof as
 * `unverifiable` (with this message), never as a bad signature.
 */
export class RpcChainMismatchError extends Error {
  override readonly name = 'RpcChainMismatchError';
  constructor(
    readonly chain: 'Ethereum' | 'Starknet',
    readonly url: string,
    readonly expected: number | string,
    readonly actual: number | string,
  ) {
    super(
      `the ${chain} RPC at ${redactUrl(url)} serves chain ${actual}, but the account is on chain ${expected}: ` +
        `configure an RPC for chain ${expected} in Settings`,
    );
  }
}

/**
 * An `AccountVerifier` that asks the chain through JSON-RPC. Only the chains given a URL get
 * a check; for the others core keeps saying "configure an RPC". Each check first confirms
 * the RPC serves the account's chain (else `RpcChainMismatchError`); network trouble throws
 * `RpcUnavailableError`; a contract that answers anything but "valid" (or reverts, or is not
 * there) gives `false`.
 */
export function rpcAccountVerifier(options: RpcAccountVerifierOptions): AccountVerifier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, not ${timeoutMs}`);
  const verifier: AccountVerifier = {};
  if (options.ethereum !== undefined) {
    const url = checkedUrl(options.ethereum);
    verifier.ethereum = (args) => ethereumIsValidSignature(url, timeoutMs, args);
  }
  if (options.starknet !== undefined) {
    const url = checkedUrl(options.starknet);
    verifier.starknet = (args) => starknetIsValidSignature(url, timeoutMs, args);
  }
  return verifier;
}

type EthereumArgs = Parameters<NonNullable<AccountVerifier['ethereum']>>[0];
type StarknetArgs = Parameters<NonNullable<AccountVerifier['starknet']>>[0];

async function ethereumIsValidSignature(url: string, timeoutMs: number, args: EthereumArgs): Promise<boolean> {
  const { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, bytesToHex, createPublicClient, hashMessage, http } =
    await import('viem');
  // No retries: they would multiply the wait; the caller checks again later if it wants.
  const client = createPublicClient({ transport: http(url, { timeout: timeoutMs, retryCount: 0 }) });
  const isValid = async (): Promise<boolean> => {
    try {
      const magic = await client.readContract({
        address: args.address,
        abi: ERC1271_ABI,
        functionName: 'isValidSignature',
        args: [hashMessage(args.message), bytesToHex(args.signature)],
      });
      return magic.toLowerCase() === ERC1271_MAGIC;
    } catch (e) {
      // A revert, or no contract (empty answer), is the chain saying no; anything else is not an answer.
      const refused =
        e instanceof BaseError &&
        e.walk((c) => c instanceof ContractFunctionRevertedError || c instanceof ContractFunctionZeroDataError) !== null;
      if (refused) return false;
      throw new RpcUnavailableError('Ethereum', url, e);
    }
  };
  // Both requests at once, so a check takes one timeout at most.
  const [chainId, valid] = await Promise.all([
    client.getChainId().catch((e: unknown) => {
      throw new RpcUnavailableError('Ethereum', url, e);
    }),
    isValid(),
  ]);
  if (chainId !== args.chainId) throw new RpcChainMismatchError('Ethereum', url, args.chainId, chainId);
  return valid;
}

async function starknetIsValidSignature(url: string, timeoutMs: number, args: StarknetArgs): Promise<boolean> {
  const { RpcError, RpcProvider, shortString } = await import('starknet');
  const provider = new RpcProvider({
    nodeUrl: url,
    baseFetch: timedFetch(timeoutMs),
    // 'latest' is understood by every spec version; starknet.js's default ('pending') was dropped in 0.9.
    blockIdentifier: 'latest',
  });
  const isValid = async (): Promise<boolean> => {
    try {
      const result = await provider.callContract({
        contractAddress: args.address,
        entrypoint: 'is_valid_signature',
        calldata: [args.hash, args.signature.length, ...args.signature],
      });
      const first = result[0];
      return first !== undefined && STARKNET_VALID.includes(BigInt(first));
    } catch (e) {
      if (e instanceof RpcError && STARKNET_REFUSING_CODES.has(Number(e.code))) return false;
      throw new RpcUnavailableError('Starknet', url, e);
    }
  };
  const [chainHex, valid] = await Promise.all([
    provider.getChainId().catch((e: unknown) => {
      throw new RpcUnavailableError('Starknet', url, e);
    }),
    isValid(),
  ]);
  const actual = shortString.decodeShortString(chainHex);
  if (BigInt(chainHex) !== BigInt(shortString.encodeShortString(args.chainId))) {
    throw new RpcChainMismatchError('Starknet', url, args.chainId, actual);
  }
  return valid;
}

/**
 * fetch with a deadline, for starknet.js (which has no timeout of its own). It keeps only the
 * message of a failed fetch, so the cause goes into the message.
 */
function timedFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    try {
      return await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      if ((e as Error).name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs} ms`);
      throw new Error(describe(e));
    }
  };
}

/** An http(s) RPC URL as given; anything else throws RpcUrlError. */
export function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RpcUrlError(url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RpcUrlError(url);
  return url;
}

/** The URL as shown in messages: scheme and host only, since paths and queries often carry API keys. */
function redactUrl(url: string): string {
  try {
    const { origin, pathname, search } = new URL(url);
    return pathname === '/' && search === '' ? origin : `${origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/** A failure in one line: the library's short message, then the innermost cause (ECONNREFUSED, …). */
function describe(error: unknown): string {
  const top = error as { shortMessage?: string; message?: string } | undefined;
  const head = (top?.shortMessage ?? top?.message ?? String(error)).split('\n')[0]!.replace(/\.$/, '');
  let inner: unknown = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  const root = inner instanceof Error ? ((inner as { code?: string }).code ?? inner.message.split('\n')[0]!) : undefined;
  return root && root !== head && !head.includes(root) ? `${head}: ${root}` : head;
}
