/*
 * What goes wrong talking to the registry, as typed errors with a next step in the message.
 * Both the viem adapter and the memory double throw these, so callers handle one set.
 */

/**
 * The registry refused the mutation (the transaction would revert): `errorName` is the
 * contract's custom error (StaleSeq, NotAdmin, …) and `args` its arguments.
 */
export class RegistryRevertError extends Error {
  override readonly name = 'RegistryRevertError';
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
  ) {
    super(`the registry refused the change: ${errorName}(${args.map(String).join(', ')}); ${advice(errorName)}`);
  }
}

function advice(errorName: string): string {
  switch (errorName) {
    case 'StaleSeq':
      return 'another admin changed the context first: read the registry again and retry on the new seq';
    case 'NotAdmin':
      return 'only an admin of the context can do this: ask the owner to add this address as an admin';
    case 'NotOwner':
      return "only the context's owner can register it, from the owner's own address (or its signature)";
    case 'AlreadyRegistered':
      return 'the context is registered already: anchor it instead';
    case 'NotRegistered':
      return 'register the context (as its owner) first';
    case 'Expired':
      return 'the signed request expired before it was sent: sign it again';
    case 'BadSignature':
      return 'the signature is not from the named signer for this registry and chain: sign again with that account';
    case 'OwnerAlwaysAdmin':
      return 'the owner is always an admin and cannot be added or removed';
    case 'ZeroAdmin':
      return 'the zero address cannot be an admin';
    default:
      return 'see the contract (contracts/TabnodeRegistry.sol)';
  }
}

/** The wallet is on another chain than the registry's: switch the wallet's network. */
export class WalletChainMismatchError extends Error {
  override readonly name = 'WalletChainMismatchError';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the wallet is on chain ${actual}, but the registry is on chain ${expected}: switch the wallet to chain ${expected} and try again`);
  }
}

/** The wallet or relayer refused or failed a request for a reason other than a revert (rejected by the user, locked, …). */
export class WalletRequestError extends Error {
  override readonly name = 'WalletRequestError';
  constructor(
    readonly method: string,
    override readonly cause: unknown,
    /** EIP-1193 error code when the wallet gave one (4001: the user rejected the request). */
    readonly code: number | undefined = codeOf(cause),
  ) {
    super(
      code === 4001
        ? `the request (${method}) was rejected in the wallet; approve it there to go on`
        : `the wallet could not do ${method}: ${messageOf(cause)}; check that it is unlocked and connected`,
    );
  }
}

/** No registry contract answers at the configured address on this chain. */
export class RegistryMissingError extends Error {
  override readonly name = 'RegistryMissingError';
  constructor(
    readonly chainId: number,
    readonly registry: string,
  ) {
    super(`no TabnodeRegistry contract at ${registry} on chain ${chainId}: check the registry address in Settings`);
  }
}

/** The transaction was not mined (or not confirmed deep enough) in time. */
export class ReceiptTimeoutError extends Error {
  override readonly name = 'ReceiptTimeoutError';
  constructor(
    readonly txHash: string,
    readonly timeoutMs: number,
  ) {
    super(`transaction ${txHash} was not confirmed within ${timeoutMs} ms: it may still be pending; check it in a block explorer and wait again`);
  }
}

function codeOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function messageOf(e: unknown): string {
  const top = e as { shortMessage?: string; message?: string } | undefined;
  return (top?.shortMessage ?? top?.message ?? String(e)).split('\n')[0]!;
}

/**
 * The revert data (0x + selector + arguments) somewhere in an error from a wallet or RPC:
 * wallets and nodes nest it differently (`data`, `data.data`, `error.data`, `cause…`).
 */
export function revertDataOf(error: unknown, depth = 0): `0x${string}` | undefined {
  if (depth > 6 || error === null || typeof error !== 'object') return undefined;
  const e = error as Record<string, unknown>;
  for (const field of ['data', 'error', 'cause', 'details']) {
    const v = e[field];
    if (typeof v === 'string' && /^0x[0-9a-fA-F]{8}([0-9a-fA-F]{2})*$/.test(v)) return v as `0x${string}`;
    const inner = revertDataOf(v, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}
