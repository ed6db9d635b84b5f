import { fromBase64url, toBase58, toBase64url, DecodeError } from '../core/codec/index.ts';
import {
  DEFAULT_DELEGATION_LIFETIME_MS,
  delegationLabel,
  delegationCodec,
  localRootId,
  localRootPublicKey,
  phraseFromEntropy,
  rootSecretFromPhrase,
  signLocalDelegation,
  verifyDelegation,
  type Delegation,
  type DelegationRefusal,
  type RootId,
  type RootKind,
} from '../core/identity/index.ts';
import type { Signer } from '../core/crypto/index.ts';
import { challengeBook, checkAnswer, issueChallenge, parseRootId, type Challenge, type ChallengeRefusal, type ProofOptions } from '../core/identity/index.ts';
import type { WalletAccount } from '../wallets/connector.ts';
import { signWithWallet, walletChain } from './walletSigning.ts';
import { ownDelegationProblem } from './delegationProblems.ts';
import { forgetDeviceBoxKey } from './boxKey.ts';
import type { CertificateStore, DeviceKeyRecord, KeyHandle, KeyStore } from '../core/store/index.ts';

/** What the node needs from its platform: time, randomness and key storage. */
export interface Platform {
  now(): number;
  randomBytes(length: number): Uint8Array;
  generateDeviceKey(now: number): Promise<DeviceKeyRecord>;
  importRootSeed(seed: Uint8Array): Promise<{ publicKey: Uint8Array; handle: KeyHandle }>;
  signerFor(publicKey: Uint8Array, handle: KeyHandle): Promise<Signer>;
}

export interface DelegationSummary {
  label: string;
  issuedAt: number;
  expiresAt: number;
  /** Whole days left; negative once expired. */
  daysLeft: number;
  valid: boolean;
  /** Valid, but ending within `EXPIRY_WARNING_MS`: time to renew. */
  expiringSoon: boolean;
  /** Why it is not valid, as a sentence for its owner saying what to do. */
  problem?: string;
  /** The checker's own message (with the times it compared), for whoever debugs. */
  problemDetail?: string;
}

export interface IdentityStatus {
  device: { publicKey: string; createdAt: number; nonExtractable: boolean };
  root?: { id: RootId; kind: RootKind; createdAt: number };
  delegation?: DelegationSummary;
}

/** A delegation someone pasted, decoded and verified. */
export type DelegationCheck =
  | { ok: true; root: RootId; clientKey: string; label: string; expiresAt: number }
  | { ok: false; reason: DelegationRefusal | 'undecodable'; message: string };

const DAY = 86_400_000;
/** Warn this long before this device's delegation ends. */
export const EXPIRY_WARNING_MS = 14 * DAY;

/** Whole days left (negative once over) and whether to warn: still running, ending within the warning time. */
export function expiryOf(expiresAt: number, now: number): { daysLeft: number; expiringSoon: boolean } {
  return { daysLeft: Math.ceil((expiresAt - now) / DAY), expiringSoon: expiresAt > now && expiresAt - now <= EXPIRY_WARNING_MS };
}

export interface SigningIdentity {
  root: RootId;
  signer: Signer;
  /** Canonical bytes of the delegation of `signer`'s key by `root`. */
  delegation: Uint8Array;
}

/** Something that needs an identity was asked for before one was created or restored. */
export class NotSignedInError extends Error {
  override readonly name = 'NotSignedInError';
  constructor() {
    super('No identity on this browser yet. Create one, or restore yours from its recovery phrase.');
  }
}

/** A wallet's answer to a login challenge was refused; `reason` says which check failed. */
export class WalletLoginError extends Error {
  override readonly name = 'WalletLoginError';
  constructor(
    readonly reason: ChallengeRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface IdentityOptions {
  /** The page's origin: its host is the domain a wallet signs for. */
  origin: string;
  /** How contract-account proofs are checked (an RPC from Settings), if at all. */
  proofs?: ProofOptions;
}

export function identityService(store: KeyStore & CertificateStore, platform: Platform, options: IdentityOptions = { origin: 'http://localhost' }) {
  const challenges = challengeBook();

  async function device(): Promise<DeviceKeyRecord> {
    const existing = await store.deviceKey();
    if (existing) return existing;
    return store.ensureDeviceKey(await platform.generateDeviceKey(platform.now()));
  }

  async function currentDelegation(): Promise<Delegation | undefined> {
    const [dev, root] = await Promise.all([device(), store.root()]);
    if (!root) return undefined;
    const key = toBase58(dev.publicKey);
    const record = (await store.delegations()).find((d) => d.clientKey === key && d.root === root.id);
    return record && delegationCodec.decode(record.bytes);
  }

  /** Keep a delegation of a key of this profile (the newest per key wins). */
  function keep(d: Delegation): Promise<void> {
    return store.putDelegation({ clientKey: toBase58(d.claims.clientKey), root: d.claims.root, expiresAt: d.claims.expiresAt, bytes: delegationCodec.encode(d) });
  }

  /** A local root delegates `clientKey` for the default lifetime, from now. */
  async function delegateLocally(rootSigner: Signer, clientKey: Uint8Array, label: string): Promise<void> {
    const now = platform.now();
    await keep(
      await signLocalDelegation(rootSigner, {
        clientKey,
        label: delegationLabel(label),
        issuedAt: now,
        expiresAt: now + DEFAULT_DELEGATION_LIFETIME_MS,
      }),
    );
  }

  async function summarise(d: Delegation): Promise<DelegationSummary> {
    const now = platform.now();
    const verdict = await verifyDelegation(d, now, options.proofs);
    const summary: DelegationSummary = {
      label: d.claims.label,
      issuedAt: d.claims.issuedAt,
      expiresAt: d.claims.expiresAt,
      ...expiryOf(d.claims.expiresAt, now),
      valid: verdict.ok,
    };
    summary.expiringSoon &&= verdict.ok;
    if (!verdict.ok) {
      summary.problem = ownDelegationProblem(verdict.reason);
      summary.problemDetail = `${verdict.reason}: ${verdict.message}`;
    }
    return summary;
  }

  return {
    /** Make sure this profile has a device key (first tab to ask creates it). */
    device,

    /** What contexts sign with: this device's key, its delegation, and the root it acts for. */
    async signing(): Promise<SigningIdentity> {
      const [dev, root] = await Promise.all([device(), store.root()]);
      const d = await currentDelegation();
      if (!root || !d) throw new NotSignedInError();
      return { root: root.id, signer: await platform.signerFor(dev.publicKey, dev.handle), delegation: delegationCodec.encode(d) };
    },

    async status(): Promise<IdentityStatus> {
      const [dev, root, delegation] = await Promise.all([device(), store.root(), currentDelegation()]);
      const status: IdentityStatus = {
        device: { publicKey: toBase58(dev.publicKey), createdAt: dev.createdAt, nonExtractable: dev.handle.kind === 'webcrypto' },
      };
      if (root) status.root = { id: root.id, kind: root.kind, createdAt: root.createdAt };
      if (delegation) status.delegation = await summarise(delegation);
      return status;
    },

    /** A fresh 12-word phrase; nothing is stored until `useLocalRoot` is called with it. */
    newPhrase(): string {
      return phraseFromEntropy(platform.randomBytes(16));
    },

    /**
     * Create or restore a local root from its phrase, keep its key non-extractable, and
     * delegate this device's key to it. The same phrase gives the same root anywhere.
     */
    async useLocalRoot(phrase: string, deviceLabel: string): Promise<IdentityStatus> {
      const seed = await rootSecretFromPhrase(phrase);
      const { publicKey, handle } = await platform.importRootSeed(seed);
      seed.fill(0);
      const dev = await device();
      await store.setRoot({ id: localRootId(publicKey), kind: 'local', handle, createdAt: platform.now() });
      await delegateLocally(await platform.signerFor(publicKey, handle), dev.publicKey, deviceLabel);
      return this.status();
    },

    /**
     * A new delegation of `clientKey` (this device's key, or the next one when rotating) by
     * this profile's root, kept: signed with the local root's key, or by `wallet` — the
     * root's own wallet account — answering a challenge.
     */
    async delegate(clientKey: Uint8Array, label: string, wallet?: WalletAccount): Promise<void> {
      const root = await store.root();
      if (!root) throw new NotSignedInError();
      if (wallet) await this.loginWithWallet(wallet, label, { clientKey });
      else if (root.kind === 'local') await delegateLocally(await platform.signerFor(localRootPublicKey(root.id), root.handle!), clientKey, label);
      else throw new Error('This identity is a wallet account, so only its wallet can sign a new delegation. Connect the wallet and confirm there.');
    },

    /**
     * Step one of a wallet login: a challenge naming this device's key, this site and the
     * chain the wallet's account is on. The wallet signs it (see `completeWalletLogin`).
     */
    async walletChallenge(args: { chain: string; label: string; clientKey?: Uint8Array }): Promise<Challenge> {
      const clientKey = args.clientKey ?? (await device()).publicKey;
      const url = new URL(options.origin);
      const challenge = issueChallenge({
        entropy: platform.randomBytes(16),
        now: platform.now(),
        domain: url.host,
        uri: `${url.origin}/`,
        clientKey,
        label: args.label,
        chain: args.chain,
      });
      challenges.add(challenge);
      return challenge;
    },

    /**
     * Step two: check the wallet's signed answer against the challenge it answers (once),
     * then make its account this profile's root, with this device delegated.
     */
    async completeWalletLogin(delegation: Delegation): Promise<IdentityStatus> {
      const nonce = 'nonce' in delegation.proof ? delegation.proof.nonce : '';
      const challenge = challenges.take(nonce);
      if (!challenge) {
        throw challenges.wasUsed(nonce)
          ? new WalletLoginError('reused-nonce', 'This sign-in was already used: each signed sign-in counts once. Start the sign-in again.')
          : new WalletLoginError('unknown-nonce', 'This node did not ask for this sign-in, or it has forgotten it (after a reload). Start the sign-in again.');
      }
      const verdict = await checkAnswer(challenge, delegation, platform.now(), options.proofs);
      if (!verdict.ok) throw new WalletLoginError(verdict.reason, verdict.message);
      const root = delegation.claims.root;
      await store.setRoot({ id: root, kind: parseRootId(root).kind, createdAt: platform.now() });
      await keep(delegation);
      return this.status();
    },

    /** Both steps with a connected wallet account: it signs this node's challenge. */
    async loginWithWallet(account: WalletAccount, deviceLabel: string, target: { clientKey?: Uint8Array } = {}): Promise<IdentityStatus> {
      const challenge = await this.walletChallenge({ chain: walletChain(account), label: deviceLabel, ...target });
      return this.completeWalletLogin(await signWithWallet(account, challenge, options.proofs));
    },

    /**
     * Forget the root on this profile, with this device's keys (`KeyStore.clearRoot`): the
     * next person here signs and opens boxes with keys of their own. The phrase or the wallet
     * restores the root, on new device keys (contexts take them by an add-device op).
     */
    async signOut(): Promise<void> {
      await store.clearRoot();
      forgetDeviceBoxKey(store);
    },

    /** This device's delegation as base64url of its canonical bytes (to show or hand to a peer). */
    async exportDelegation(): Promise<string | undefined> {
      const d = await currentDelegation();
      return d && toBase64url(delegationCodec.encode(d));
    },

    /** Decode and verify a delegation given as base64url, at this node's current time. */
    async checkDelegation(text: string): Promise<DelegationCheck> {
      let d: Delegation;
      try {
        d = delegationCodec.decode(fromBase64url(text.trim()));
      } catch (e) {
        const detail = e instanceof DecodeError ? e.message : (e as Error).message;
        return { ok: false, reason: 'undecodable', message: `not a delegation: ${detail}` };
      }
      const verdict = await verifyDelegation(d, platform.now(), options.proofs);
      if (!verdict.ok) return verdict;
      return { ok: true, root: d.claims.root, clientKey: toBase58(d.claims.clientKey), label: d.claims.label, expiresAt: d.claims.expiresAt };
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
