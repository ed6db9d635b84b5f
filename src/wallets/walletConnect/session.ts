/*
 * Reading the account out of a WalletConnect session: the wallet approves accounts as
 * CAIP-10 ids (`eip155:<chain>:<address>`) in the session's eip155 namespace.
 */
import { getAddress, isAddress } from 'viem';

/** The parts of an SDK session we read (SessionTypes.Struct). */
export interface SessionLike {
  topic: string;
  expiry: number;
  namespaces: Record<string, { accounts: string[]; methods?: string[] } | undefined>;
  peer: { metadata: { name: string } };
}

export interface SessionAccount {
  address: `0x${string}`;
  chainId: number;
}

/** The account on `chainId` if the wallet approved one there, else its first eip155 account. */
export function sessionAccount(session: SessionLike, chainId: number): SessionAccount | undefined {
  const accounts = (session.namespaces.eip155?.accounts ?? []).flatMap((id) => {
    const [namespace, chain, address] = id.split(':');
    const parsed = Number(chain);
    if (namespace !== 'eip155' || !Number.isSafeInteger(parsed) || parsed <= 0 || !address || !isAddress(address, { strict: false })) return [];
    return [{ address: getAddress(address), chainId: parsed }];
  });
  return accounts.find((a) => a.chainId === chainId) ?? accounts[0];
}

/** The live session that will expire last (the newest), among those with an eip155 account. */
export function latestSession<S extends SessionLike>(sessions: S[], chainId: number, nowSeconds: number): S | undefined {
  return sessions
    .filter((s) => s.expiry > nowSeconds && sessionAccount(s, chainId) !== undefined)
    .sort((a, b) => b.expiry - a.expiry)[0];
}

/** The chains on which the wallet approved `address` in this session. */
export function sessionChains(session: SessionLike, address: string): number[] {
  return (session.namespaces.eip155?.accounts ?? []).flatMap((id) => {
    const [namespace, chain, account] = id.split(':');
    const parsed = Number(chain);
    return namespace === 'eip155' && Number.isSafeInteger(parsed) && account?.toLowerCase() === address.toLowerCase() ? [parsed] : [];
  });
}

/** Whether the wallet approved `method` for the session (sessions without a list: assume yes). */
export function sessionAllows(session: SessionLike, method: string): boolean {
  const methods = session.namespaces.eip155?.methods;
  return methods === undefined || methods.includes(method);
}
