/*
 * A WalletConnect wallet for tests: a real SignClient (Node) that approves session
 * proposals for eip155 and answers `personal_sign` with a real secp256k1 signature
 * (viem's privateKeyToAccount). Everything goes through the relay, encrypted, exactly as
 * with a phone wallet; only the user's taps are scripted (approve by default, or reject
 * the next proposal/request on demand).
 *
 * It runs in the test process. The dapp side must live in another realm (a browser page
 * or another process): SignClients in one realm share a global core unless their storage
 * prefixes differ, so this wallet uses a prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import { SignClient } from '@walletconnect/sign-client';
import type { SessionTypes, SignClientTypes } from '@walletconnect/types';
import { hexToString, isHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { isAnswer, parseTransaction, signAndSend, signTypedDataV4 } from './ethereumSigning.ts';

export interface WalletConnectWalletOptions {
  /** The relay both sides use, e.g. startRelay().url. */
  relayUrl: string;
  /** 0x-prefixed 32-byte secp256k1 private key. */
  privateKey: `0x${string}`;
  /** EIP-155 chain id the wallet's account lives on. Default 1. */
  chainId?: number;
  /** Any non-empty string: the local relay ignores it. */
  projectId?: string;
  /** Shown to the dapp as the wallet's name. Default "Tabnode Test Wallet". */
  name?: string;
  /**
   * JSON-RPC URL of `chainId`, where `eth_sendTransaction` sends what the wallet signs.
   * Without one the wallet answers eth_sendTransaction with 4200 (unsupported).
   */
  rpcUrl?: string;
  /** Methods the wallet approves for sessions. Default personal_sign, eth_sendTransaction, eth_signTypedData_v4. */
  methods?: string[];
}

/** A JSON-RPC error the wallet answers with; 5000 is WalletConnect's USER_REJECTED, 4001 EIP-1193's. */
export interface WalletErrorReply {
  code: number;
  message: string;
}

export interface ProposalRecord {
  id: number;
  /** The dapp's metadata name. */
  from: string;
  /** eip155 chains the dapp asked for (required and optional). */
  chains: string[];
  methods: string[];
  outcome: 'approved' | 'rejected' | 'failed';
  /** The session topic when approved; the error when failed. */
  detail?: string;
}

export interface RequestRecord {
  id: number;
  topic: string;
  chainId: string;
  method: string;
  params: unknown;
  outcome: 'signed' | 'rejected' | 'refused';
  /** The signature (or transaction hash) when signed; the error message otherwise. */
  result: string;
}

export interface WalletConnectWallet {
  /** Checksummed address of the wallet's account. */
  readonly address: `0x${string}`;
  readonly chainId: number;
  /** Pairs with a dapp's `wc:` URI; the proposal that follows is answered automatically. */
  pair(uri: string): Promise<void>;
  /** Every proposal seen, in order. */
  readonly proposals: readonly ProposalRecord[];
  /** Every session request seen, in order. */
  readonly requests: readonly RequestRecord[];
  /** Topics of sessions the dapp deleted (disconnect), in order. */
  readonly deletedSessions: readonly string[];
  /** Topics of the sessions this wallet holds now. */
  sessionTopics(): string[];
  /** Reject the next session proposal instead of approving it. */
  rejectNextProposal(reply?: WalletErrorReply): void;
  /** Reject the next session request (e.g. personal_sign) instead of signing. */
  rejectNextRequest(reply?: WalletErrorReply): void;
  /** From now on reject every proposal and request, as a user who declines everything. */
  declineAll(reply?: WalletErrorReply): void;
  /** Back to approving and signing (the default). */
  approveAll(): void;
  close(): Promise<void>;
}

export const USER_REJECTED: WalletErrorReply = { code: 5000, message: 'User rejected.' };

export class WalletDoubleError extends Error {
  override name = 'WalletDoubleError';
}

const SUPPORTED_METHODS = ['personal_sign', 'eth_sendTransaction', 'eth_signTypedData_v4'];
const EVENTS = ['accountsChanged', 'chainChanged'];

export async function startWalletConnectWallet(options: WalletConnectWalletOptions): Promise<WalletConnectWallet> {
  const chainId = options.chainId ?? 1;
  const account = privateKeyToAccount(options.privateKey);
  const caip2 = `eip155:${chainId}`;
  const name = options.name ?? 'Tabnode Test Wallet';
  const client = await SignClient.init({
    projectId: options.projectId ?? 'tabnode-test-wallet',
    relayUrl: options.relayUrl,
    // Its own storage prefix: a separate core even if a dapp client runs in this realm.
    customStoragePrefix: `tabnode-wallet-double-${randomBytes(6).toString('hex')}`,
    telemetryEnabled: false,
    logger: 'silent',
    // The SDK's default queue holds each request until 1 s after the previous answer (a
    // pacing for human wallets); a scripted wallet answers at once.
    signConfig: { disableRequestQueue: true },
    metadata: { name, description: 'A scripted wallet for tests', url: 'https://wallet.invalid', icons: [] },
  }).catch((err: unknown) => {
    throw new WalletDoubleError(`the test wallet's SignClient failed to start against ${options.relayUrl}: ${String(err)}`);
  });

  const proposals: ProposalRecord[] = [];
  const requests: RequestRecord[] = [];
  const deletedSessions: string[] = [];
  let nextProposalRejection: WalletErrorReply | undefined;
  let nextRequestRejection: WalletErrorReply | undefined;
  let declining: WalletErrorReply | undefined;

  client.on('session_proposal', (event) => {
    void answerProposal(event).catch((err: unknown) => {
      const record = proposals.find((p) => p.id === event.id);
      if (record) Object.assign(record, { outcome: 'failed', detail: String(err) });
    });
  });

  async function answerProposal({ id, params }: SignClientTypes.EventArguments['session_proposal']): Promise<void> {
    const asked = [params.requiredNamespaces.eip155, params.optionalNamespaces?.eip155].filter((n) => n !== undefined);
    const record: ProposalRecord = {
      id,
      from: params.proposer.metadata.name,
      chains: asked.flatMap((n) => n.chains ?? []),
      methods: asked.flatMap((n) => n.methods),
      outcome: 'rejected',
    };
    proposals.push(record);
    const rejection = nextProposalRejection ?? declining ?? (asked.length === 0 ? { code: 5104, message: 'Unsupported namespace key: only eip155.' } : undefined);
    nextProposalRejection = undefined;
    if (rejection) {
      await client.reject({ id, reason: rejection });
      return;
    }
    const namespaces: SessionTypes.Namespaces = {
      eip155: { chains: [caip2], accounts: [`${caip2}:${account.address}`], methods: options.methods ?? SUPPORTED_METHODS, events: EVENTS },
    };
    const { topic } = await client.approve({ id, namespaces });
    Object.assign(record, { outcome: 'approved', detail: topic });
  }

  client.on('session_request', (event) => {
    void answerRequest(event).catch(() => {
      // The dapp then times out; the record (pushed first) shows what was asked.
    });
  });

  async function answerRequest({ id, topic, params }: SignClientTypes.EventArguments['session_request']): Promise<void> {
    const { method, params: rpcParams } = params.request;
    const record: RequestRecord = { id, topic, chainId: params.chainId, method, params: rpcParams, outcome: 'refused', result: '' };
    requests.push(record);
    const reply = (response: { result: string } | { error: WalletErrorReply }): Promise<void> =>
      client.respond({ topic, response: { id, jsonrpc: '2.0', ...response } });

    const rejection = nextRequestRejection ?? declining;
    nextRequestRejection = undefined;
    if (rejection) {
      Object.assign(record, { outcome: 'rejected', result: rejection.message });
      return reply({ error: rejection });
    }
    const refuse = (error: WalletErrorReply): Promise<void> => {
      Object.assign(record, { result: error.message });
      return reply({ error });
    };
    if (params.chainId !== caip2) return refuse({ code: -32602, message: `This wallet is on ${caip2}, not ${params.chainId}` });
    if (method === 'eth_signTypedData_v4') {
      const answer = await signTypedDataV4(account, chainId, rpcParams, name);
      if ('error' in answer) return refuse(answer.error);
      Object.assign(record, { outcome: 'signed', result: answer.result });
      return reply(answer);
    }
    if (method === 'eth_sendTransaction') {
      const tx = parseTransaction(account, rpcParams, name);
      if (isAnswer(tx)) return refuse('error' in tx ? tx.error : { code: -32603, message: 'unexpected' });
      if (tx.chainId !== undefined && tx.chainId !== chainId) return refuse({ code: -32602, message: `The transaction is for chain ${tx.chainId}, this wallet is on ${chainId}` });
      if (!options.rpcUrl) return refuse({ code: 4200, message: `${name} cannot send transactions: it has no RPC URL for ${caip2}` });
      let hash: string;
      try {
        hash = await signAndSend(account, chainId, options.rpcUrl, tx);
      } catch (err) {
        return refuse({ code: -32603, message: `${name} failed eth_sendTransaction: ${err instanceof Error ? err.message : String(err)}` });
      }
      Object.assign(record, { outcome: 'signed', result: hash });
      return reply({ result: hash });
    }
    if (method !== 'personal_sign') {
      Object.assign(record, { result: `unsupported method ${method}` });
      return reply({ error: { code: 4200, message: `Unsupported method: ${method}` } });
    }
    const [message, address] = Array.isArray(rpcParams) ? rpcParams : [];
    if (typeof message !== 'string' || typeof address !== 'string' || address.toLowerCase() !== account.address.toLowerCase()) {
      Object.assign(record, { result: 'personal_sign expects [message, this wallet address]' });
      return reply({ error: { code: -32602, message: 'personal_sign expects [message, address of this wallet]' } });
    }
    // Like common wallets: hex is the message's bytes, anything else is UTF-8 text.
    const signature = await account.signMessage({ message: isHex(message) ? { raw: message } : message });
    Object.assign(record, { outcome: 'signed', result: signature });
    return reply({ result: signature });
  }

  client.on('session_delete', ({ topic }) => {
    deletedSessions.push(topic);
  });

  return {
    address: account.address,
    chainId,
    pair: async (uri) => {
      await client.pair({ uri });
    },
    proposals,
    requests,
    deletedSessions,
    sessionTopics: () => client.session.getAll().map((s) => s.topic),
    rejectNextProposal: (reply = USER_REJECTED) => {
      nextProposalRejection = reply;
    },
    rejectNextRequest: (reply = USER_REJECTED) => {
      nextRequestRejection = reply;
    },
    declineAll: (reply = USER_REJECTED) => {
      declining = reply;
    },
    approveAll: () => {
      declining = undefined;
    },
    close: async () => {
      client.removeAllListeners('session_proposal');
      client.removeAllListeners('session_request');
      client.removeAllListeners('session_delete');
      client.core.heartbeat.stop();
      await client.core.relayer.transportClose();
    },
  };
}

/** The UTF-8 text of a personal_sign request's hex message, for assertions. */
export function personalSignText(request: RequestRecord): string {
  const [message] = request.params as [`0x${string}`];
  return hexToString(message);
}
