/*
 * The SDK rejects with Errors (relay trouble, missing keys) or with the wallet's JSON-RPC
 * error object ({code, message}); this maps both to the connector's typed errors.
 */
import { WalletRejectedError, WalletUnavailableError } from '../connector.ts';
import { relayTrouble } from './settings.ts';

/**
 * "The user said no": EIP-1193's 4001, and WalletConnect's USER_REJECTED (5000) and its
 * chains/methods/events variants (5001-5003), which wallets send for a declined proposal.
 */
const REJECTION_CODES = new Set([4001, 5000, 5001, 5002, 5003]);

/** Messages of errors the SDK throws (not the wallet's answers) when the relay failed. */
const RELAY_FAILURE = /socket|relay|publish|subscrib|internet connection|transport/i;

export function toWalletError(err: unknown, wallet: string, relayUrl: string, action: string): Error {
  if (err instanceof WalletRejectedError || err instanceof WalletUnavailableError) return err;
  const { code, message } = parts(err);
  if (code !== undefined && REJECTION_CODES.has(code)) return new WalletRejectedError(wallet, message);
  // The wallet's answers arrive as plain {code, message} objects, the SDK's own failures as Errors.
  if (err instanceof Error && RELAY_FAILURE.test(message)) return relayTrouble(relayUrl, message);
  return new WalletUnavailableError(`${wallet} could not ${action}: ${message}`);
}

function parts(err: unknown): { code?: number; message: string } {
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    return { code: typeof code === 'number' ? code : undefined, message: typeof message === 'string' && message ? message : String(err) };
  }
  return { message: String(err) };
}
