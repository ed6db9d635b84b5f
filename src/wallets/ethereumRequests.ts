/*
 * The JSON-RPC shapes of the Ethereum requests every connector sends (injected EIP-1193
 * and WalletConnect alike), and the checks on what wallets answer.
 */
import { getTypesForEIP712Domain, numberToHex, serializeTypedData, validateTypedData } from 'viem';
import type { TypedDataDefinition } from 'viem';
import type { EthereumTransaction, EthereumTypedData } from './connector.ts';
import { WalletUnavailableError } from './connector.ts';

type Hex = `0x${string}`;

/** `eth_sendTransaction`'s one parameter: quantities as 0x-hex, the wallet fills nonce, gas, fees. */
export function transactionRequest(from: Hex, tx: EthereumTransaction): Record<string, string> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(tx.to)) throw new TypeError(`transaction "to" must be a 0x address, got ${JSON.stringify(tx.to)}`);
  if (!/^0x([0-9a-fA-F]{2})*$/.test(tx.data)) throw new TypeError('transaction "data" must be 0x-hex bytes');
  const value = tx.value ?? 0n;
  if (value < 0n) throw new RangeError('transaction value must not be negative');
  checkChainId(tx.chainId);
  return { from, to: tx.to, data: tx.data, value: numberToHex(value), chainId: numberToHex(tx.chainId) };
}

/**
 * `eth_signTypedData_v4`'s second parameter: the typed data as a JSON string, bigints as
 * decimal strings, with the `EIP712Domain` type wallets expect (derived from the domain
 * when the caller left it out, as viem does). Values are checked against their types first,
 * so a malformed request fails here rather than as an opaque wallet error.
 */
export function typedDataJson(typedData: EthereumTypedData): string {
  const types = { EIP712Domain: getTypesForEIP712Domain({ domain: typedData.domain }), ...typedData.types };
  const definition = { ...typedData, types } as unknown as TypedDataDefinition;
  validateTypedData(definition);
  return serializeTypedData(definition);
}

export function checkChainId(chainId: number): void {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new RangeError(`chainId must be a positive integer, got ${chainId}`);
}

/** A 32-byte transaction hash, or WalletUnavailableError naming the wallet. */
export function txHashFrom(wallet: string, answer: unknown): Hex {
  if (typeof answer !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(answer)) {
    throw new WalletUnavailableError(`${wallet} answered eth_sendTransaction with ${JSON.stringify(answer)}, not a transaction hash`);
  }
  return answer as Hex;
}

/** A 0x-hex signature, or WalletUnavailableError naming the wallet and method. */
export function signatureFrom(wallet: string, method: string, answer: unknown): Hex {
  if (typeof answer !== 'string' || !/^0x[0-9a-fA-F]+$/.test(answer)) {
    throw new WalletUnavailableError(`${wallet} answered ${method} with no signature`);
  }
  return answer as Hex;
}

/** The chain an EIP-712 domain names, if any (a number, bigint or 0x/decimal string). */
export function domainChainId(typedData: EthereumTypedData): number | undefined {
  const value = typedData.domain.chainId;
  if (value === undefined || value === null) return undefined;
  const id = typeof value === 'string' || typeof value === 'bigint' || typeof value === 'number' ? Number(BigInt(value)) : Number.NaN;
  checkChainId(id);
  return id;
}
