/*
 * The behaviour every WalletConnector must have, as a shared vitest suite (in the style of
 * automerge-repo's network-adapter tests). Each connector's test calls
 * `runWalletConnectorContract` with a set-up that builds a fresh connector over a wallet
 * double signing with a real key; set-up runs once per test and tears down after it.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createPublicClient, http, recoverMessageAddress, verifyTypedData } from 'viem';
import { ec, typedData as snip12 } from 'starknet';
import type { TypedData } from 'starknet';
import type { ConnectOptions, EthereumTypedData, EthereumWalletAccount, WalletAccount, WalletConnector } from './connector.ts';
import { WalletRejectedError, WalletUnavailableError } from './connector.ts';

export interface WalletConnectorFixture {
  connector: WalletConnector;
  /** The account the wallet holds. */
  expected: {
    address: string;
    /** A number for Ethereum, the short-string name (`SN_SEPOLIA`) for Starknet. */
    chainId: number | string;
    /** Starknet: the Stark public key, for wallets that do not reveal it to the connector. */
    publicKey?: string;
  };
  /** From now on the wallet's user declines every prompt. */
  reject(): void;
  /** How many times the wallet has asked its user to approve a connection (omit to skip those checks). */
  prompts?(): number;
  /**
   * Whether the wallet drops the site's access on disconnect (EIP-2255 revoke, the end of a
   * WalletConnect session), so that a later connect asks the user again. Starknet wallets have
   * no revoke: false. Default true.
   */
  revokesOnDisconnect?: boolean;
  /** Passed to every `connect` (WalletConnect: `onPairingUri` that lets the wallet pair). */
  connectOptions?: ConnectOptions;
  /**
   * Ethereum: the chain the wallet sends transactions to (its JSON-RPC URL), the account funded
   * there. Without one the wallet has no RPC and sendTransaction must be WalletUnavailableError.
   */
  chain?: { rpcUrl: string; chainId: number };
  teardown(): Promise<void> | void;
}

export interface WalletConnectorContractOptions {
  /** Per-test timeout in ms. Default 30 s. */
  timeoutMs?: number;
}

export function runWalletConnectorContract(
  name: string,
  setup: () => Promise<WalletConnectorFixture>,
  options: WalletConnectorContractOptions = {},
): void {
  const timeout = options.timeoutMs ?? 30_000;
  const live: WalletConnectorFixture[] = [];
  const fixture = async (): Promise<WalletConnectorFixture> => {
    const f = await setup();
    live.push(f);
    return f;
  };
  const connect = (f: WalletConnectorFixture): Promise<WalletAccount> => f.connector.connect(f.connectOptions);

  describe(`WalletConnector contract: ${name}`, () => {
    afterEach(async () => {
      for (const f of live.splice(0)) await f.teardown();
    });

    test('describes itself', { timeout }, async () => {
      const { connector } = await fixture();
      const { info } = connector;
      expect(info.id).toMatch(/^(eip6963:|injected:|walletconnect|starknet:)/);
      expect(info.name.length).toBeGreaterThan(0);
      if (info.icon !== undefined) expect(info.icon).toMatch(/^data:image\//);
      expect(info.via === 'get-starknet').toBe(info.kind === 'starknet');
    });

    test('connect returns the wallet account, of the connector kind, after one prompt', { timeout }, async () => {
      const f = await fixture();
      const before = f.prompts?.();
      const account = await connect(f);
      expect(account.kind).toBe(f.connector.info.kind);
      expectSameAddress(account, f.expected.address);
      expect(account.chainId).toBe(f.expected.chainId);
      if (before !== undefined) expect(f.prompts!()).toBe(before + 1);
    });

    test("the account's signature verifies against its address", { timeout }, async () => {
      const f = await fixture();
      const account = await connect(f);
      await expectValidSignature(account, f.expected.publicKey);
    });

    test('a declined connection throws WalletRejectedError', { timeout }, async () => {
      const f = await fixture();
      f.reject();
      await expect(connect(f)).rejects.toBeInstanceOf(WalletRejectedError);
    });

    test('a declined signature throws WalletRejectedError', { timeout }, async () => {
      const f = await fixture();
      const account = await connect(f);
      f.reject();
      await expect(signSomething(account)).rejects.toBeInstanceOf(WalletRejectedError);
    });

    test('disconnect ends the session; a later connect asks the wallet again and signs', { timeout }, async () => {
      const f = await fixture();
      const first = await connect(f);
      await f.connector.disconnect();
      await expect(signSomething(first)).rejects.toBeInstanceOf(WalletUnavailableError);

      const before = f.prompts?.();
      const again = await connect(f);
      expectSameAddress(again, f.expected.address);
      if (before !== undefined && (f.revokesOnDisconnect ?? true)) expect(f.prompts!()).toBe(before + 1);
      await expectValidSignature(again, f.expected.publicKey);
    });

    describe('Ethereum: typed data and transactions', () => {
      /** Connects, or skips the test for connectors of other kinds. */
      const ethereum = async (skip: () => void): Promise<{ f: WalletConnectorFixture; account: EthereumWalletAccount }> => {
        const f = await fixture();
        if (f.connector.info.kind !== 'ethereum') skip();
        return { f, account: (await connect(f)) as EthereumWalletAccount };
      };

      test('signTypedData: the EIP-712 signature (uint256 beyond 2^53 included) verifies against the account', { timeout }, async ({ skip }) => {
        const { account } = await ethereum(skip);
        const data = ethereumTypedData(account.chainId);
        const signature = await account.signTypedData(data);
        expect(signature).toMatch(/^0x[0-9a-fA-F]{130}$/);
        expect(await verifies(account.address, data, signature)).toBe(true);
        const other = { ...data, message: { ...data.message, seq: 2n ** 64n - 2n } };
        expect(await verifies(account.address, other, signature)).toBe(false);
      });

      test('a declined typed-data signature throws WalletRejectedError', { timeout }, async ({ skip }) => {
        const { f, account } = await ethereum(skip);
        f.reject();
        await expect(account.signTypedData(ethereumTypedData(account.chainId))).rejects.toBeInstanceOf(WalletRejectedError);
      });

      test('sendTransaction: the wallet signs and sends it from the account; it is mined as asked', { timeout }, async ({ skip }) => {
        const { f, account } = await ethereum(skip);
        if (!f.chain) {
          const error = await account.sendTransaction({ to: randomAddress(), data: '0x', chainId: account.chainId }).catch((e: unknown) => e);
          expect(error, 'a wallet without an RPC cannot send').toBeInstanceOf(WalletUnavailableError);
          return;
        }
        const tx = { to: randomAddress(), data: `0x${randomHex(36)}` as const, value: 12_345n, chainId: f.chain.chainId };
        const hash = await account.sendTransaction(tx);
        expect(hash).toMatch(/^0x[0-9a-f]{64}$/i);
        const chain = createPublicClient({ transport: http(f.chain.rpcUrl) });
        const receipt = await chain.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: timeout / 2 });
        expect(receipt.status).toBe('success');
        const mined = await chain.getTransaction({ hash });
        expect(mined.from.toLowerCase()).toBe(account.address.toLowerCase());
        expect(mined.to?.toLowerCase()).toBe(tx.to.toLowerCase());
        expect(mined.input).toBe(tx.data);
        expect(mined.value).toBe(tx.value);
        expect(mined.chainId).toBe(f.chain.chainId);
      });

      test('a declined transaction throws WalletRejectedError and nothing is sent', { timeout }, async ({ skip }) => {
        const { f, account } = await ethereum(skip);
        if (!f.chain) skip();
        const chain = createPublicClient({ transport: http(f.chain!.rpcUrl) });
        const nonce = await chain.getTransactionCount({ address: account.address });
        f.reject();
        await expect(account.sendTransaction({ to: randomAddress(), data: '0x', chainId: f.chain!.chainId })).rejects.toBeInstanceOf(WalletRejectedError);
        expect(await chain.getTransactionCount({ address: account.address })).toBe(nonce);
      });

      test('after disconnect the account neither sends nor signs typed data', { timeout }, async ({ skip }) => {
        const { f, account } = await ethereum(skip);
        await f.connector.disconnect();
        await expect(account.signTypedData(ethereumTypedData(account.chainId))).rejects.toBeInstanceOf(WalletUnavailableError);
        await expect(account.sendTransaction({ to: randomAddress(), data: '0x', chainId: account.chainId })).rejects.toBeInstanceOf(WalletUnavailableError);
      });
    });

    test('disconnect before any connect is harmless', { timeout }, async () => {
      const f = await fixture();
      await f.connector.disconnect();
      const account = await connect(f);
      expectSameAddress(account, f.expected.address);
    });
  });
}

function expectSameAddress(account: WalletAccount, expected: string): void {
  if (account.kind === 'ethereum') expect(account.address.toLowerCase()).toBe(expected.toLowerCase());
  else expect(BigInt(account.address)).toBe(BigInt(expected));
}

/** Asks for a signature over fresh content (nothing a wallet could answer from a cache). */
function signSomething(account: WalletAccount): Promise<unknown> {
  return account.kind === 'ethereum' ? account.signMessage({ message: ethereumMessage() }) : account.signTypedData(starknetTypedData(account.chainId));
}

async function expectValidSignature(account: WalletAccount, expectedPublicKey?: string): Promise<void> {
  if (account.kind === 'ethereum') {
    const message = ethereumMessage();
    const signature = await account.signMessage({ message });
    expect(signature).toMatch(/^0x[0-9a-fA-F]{130}$/);
    const signer = await recoverMessageAddress({ message, signature: signature as `0x${string}` });
    expect(signer.toLowerCase()).toBe(account.address.toLowerCase());
    return;
  }
  const data = starknetTypedData(account.chainId);
  const signature = await account.signTypedData(data);
  expect(signature.length).toBeGreaterThanOrEqual(2);
  for (const felt of signature) expect(felt).toMatch(/^0x[0-9a-f]+$/);
  const publicKey = account.publicKey ?? expectedPublicKey;
  expect(publicKey, 'a Starknet account needs a public key to verify against').toBeDefined();
  if (expectedPublicKey !== undefined) expect(BigInt(publicKey!)).toBe(BigInt(expectedPublicKey));
  const msgHash = snip12.getMessageHash(data, account.address);
  expect(verifyStark(msgHash, signature, publicKey!)).toBe(true);
}

/** Stark ECDSA over a public key given as its x coordinate: either y is the key (as in Cairo). */
function verifyStark(msgHash: string, [r, s]: string[], publicKey: string): boolean {
  const sig = new ec.starkCurve.Signature(BigInt(r!), BigInt(s!));
  const x = BigInt(publicKey).toString(16).padStart(64, '0');
  return ec.starkCurve.verify(sig, msgHash, `02${x}`) || ec.starkCurve.verify(sig, msgHash, `03${x}`);
}

function ethereumMessage(): string {
  // Multi-line and non-ASCII: the connector must hex-encode UTF-8, not Latin-1.
  return `Tabnode contract test ✓ — naïve café\nnonce: ${randomHex(16)}`;
}

function starknetTypedData(chainId: string): TypedData {
  return {
    types: {
      StarknetDomain: [
        { name: 'name', type: 'shortstring' },
        { name: 'version', type: 'shortstring' },
        { name: 'chainId', type: 'shortstring' },
        { name: 'revision', type: 'shortstring' },
      ],
      Challenge: [
        { name: 'text', type: 'string' },
        { name: 'nonce', type: 'felt' },
      ],
    },
    primaryType: 'Challenge',
    domain: { name: 'Tabnode', version: '1', chainId, revision: '1' },
    message: { text: 'Tabnode contract test: a string longer than one felt holds', nonce: `0x${randomHex(16)}` },
  };
}

function verifies(address: `0x${string}`, data: EthereumTypedData, signature: `0x${string}`): Promise<boolean> {
  return verifyTypedData({ ...(data as unknown as Omit<Parameters<typeof verifyTypedData>[0], 'address' | 'signature'>), address, signature } as Parameters<typeof verifyTypedData>[0]);
}

/** EIP-712 data shaped like a relayed anchor: bytes32, uint64 and uint256 beyond 2^53, an address, a string. */
function ethereumTypedData(chainId: number): EthereumTypedData {
  return {
    domain: { name: 'Tabnode contract test', version: '1', chainId, verifyingContract: randomAddress() },
    types: {
      Anchor: [
        { name: 'contextId', type: 'bytes32' },
        { name: 'seq', type: 'uint64' },
        { name: 'epoch', type: 'uint256' },
        { name: 'admin', type: 'address' },
        { name: 'note', type: 'string' },
      ],
    },
    primaryType: 'Anchor',
    message: { contextId: `0x${randomHex(32)}`, seq: 2n ** 64n - 1n, epoch: 2n ** 200n + 7n, admin: randomAddress(), note: 'naïve ✓' },
  };
}

function randomAddress(): `0x${string}` {
  return `0x${randomHex(20)}`;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
