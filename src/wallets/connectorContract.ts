/*
 * The behaviour every WalletConnector must have, as a shared vitest suite (in the style of
 * automerge-repo's network-adapter tests). Each connector's test calls
 * `runWalletConnectorContract` with a set-up that builds a fresh connector over a wallet
 * double signing with a real key; set-up runs once per test and tears down after it.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { recoverMessageAddress } from 'viem';
import { ec, typedData as snip12 } from 'starknet';
import type { TypedData } from 'starknet';
import type { ConnectOptions, WalletAccount, WalletConnector } from './connector.ts';
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

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
