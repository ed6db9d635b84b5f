import { fromBase58, toBase58 } from '../core/codec/index.ts';
import { bytesEqual, fromHex, toHex } from '../core/crypto/index.ts';
import {
  delegationCodec,
  localRootPublicKey,
  revocationCodec,
  signLocalRevocation,
  type ProofOptions,
  type RevocationClaims,
  type RootId,
} from '../core/identity/index.ts';
import type { CertificateStore, ContextStore, KeyStore } from '../core/store/index.ts';
import type { WalletAccount } from '../wallets/connector.ts';
import type { ContextService } from './contexts/service/index.ts';
import type { IdentityService, Platform } from './identityService.ts';
import { expiryOf, NotSignedInError } from './identityService.ts';
import { revokeWithWallet, walletRootId } from './walletSigning.ts';

/** One device (client key) a root has delegated, as the contexts held here know it. */
export interface DeviceView {
  /** base58 of the client key */
  key: string;
  label: string;
  issuedAt: number;
  expiresAt: number;
  daysLeft: number;
  /** Not revoked, and ending within `EXPIRY_WARNING_MS`. */
  expiringSoon: boolean;
  thisDevice: boolean;
  /** Revoked in at least one context (a revocation reaches all of them). */
  revoked: boolean;
  /** In how many contexts this key is known. */
  contexts: number;
  /** The key is at least this old: its creation (this device) or its first delegation known here. */
  keySince: number;
  /** Its newest op in a context here, or now while it is connected; none if never seen. */
  lastSeen?: number;
}

/** Another tab of this profile rotated the device key first (rotation is compare-and-set). */
export class KeyAlreadyRotatedError extends Error {
  override readonly name = 'KeyAlreadyRotatedError';
  constructor(readonly current: string) {
    super(`another tab of this browser rotated this device's key at the same moment (it is now ${current.slice(0, 10)}…): nothing more to do`);
  }
}

/** A wallet-rooted identity needs its wallet to sign; none (or another account) was given. */
export class WalletRequiredError extends Error {
  override readonly name = 'WalletRequiredError';
  constructor(root: RootId, given?: string) {
    super(given ? `connect the wallet of ${root} to sign this (the connected account is ${given})` : `connect the wallet of ${root} to sign this`);
  }
}

export function devicesService(d: { store: KeyStore & CertificateStore & Pick<ContextStore, 'contexts'>; platform: Platform; identity: IdentityService; contexts: ContextService; proofs?: ProofOptions }) {
  async function myRoot() {
    const root = await d.store.root();
    if (!root) throw new NotSignedInError();
    return root;
  }

  /** The wallet account must be the root's own account (the canonical ids are compared). */
  async function checkWallet(root: RootId, account: WalletAccount | undefined): Promise<WalletAccount> {
    if (!account) throw new WalletRequiredError(root);
    const connected = await walletRootId(account);
    if (connected !== root) throw new WalletRequiredError(root, connected);
    return account;
  }

  /** A new delegation of `clientKey` by the root (renewal, rotation); a wallet root's own wallet signs. */
  async function delegateKey(clientKey: Uint8Array, label: string, wallet?: WalletAccount): Promise<void> {
    const root = await myRoot();
    await d.identity.delegate(clientKey, label, root.kind === 'local' ? undefined : await checkWallet(root.id, wallet));
  }

  const service = {
    /** Whether `account` is this identity's own wallet account (so it can sign for it). */
    async isRootWallet(account: WalletAccount): Promise<boolean> {
      return (await walletRootId(account)) === (await myRoot()).id;
    },

    /** Every device of this identity's root that the contexts here (or this browser) know. */
    async list(): Promise<DeviceView[]> {
      const root = await myRoot();
      const dev = await d.identity.device();
      const now = d.platform.now();
      const thisKey = toBase58(dev.publicKey);
      const byKey = new Map<string, DeviceView>();
      const add = (key: string, label: string, issuedAt: number, expiresAt: number, revoked: boolean, inContext: boolean, lastSeen?: number) => {
        const seen = byKey.get(key);
        const keySince = Math.min(issuedAt, seen?.keySince ?? issuedAt);
        const latest = Math.max(lastSeen ?? 0, seen?.lastSeen ?? 0);
        if (seen && seen.issuedAt > issuedAt) {
          seen.revoked ||= revoked;
          seen.contexts += inContext ? 1 : 0;
          seen.keySince = keySince;
          if (latest) seen.lastSeen = latest;
          return;
        }
        byKey.set(key, {
          key,
          label,
          issuedAt,
          expiresAt,
          ...expiryOf(expiresAt, now),
          thisDevice: key === thisKey,
          revoked: revoked || Boolean(seen?.revoked),
          contexts: (seen?.contexts ?? 0) + (inContext ? 1 : 0),
          keySince: key === thisKey ? dev.createdAt : keySince,
          ...(latest ? { lastSeen: latest } : {}),
        });
      };
      for (const r of await d.store.delegations()) {
        if (r.root !== root.id) continue;
        const claims = delegationCodec.decode(r.bytes).claims;
        add(r.clientKey, claims.label, claims.issuedAt, claims.expiresAt, false, false);
      }
      for (const k of await d.contexts.devicesOf(root.id)) add(toBase58(fromHex(k.key)), k.label, k.issuedAt, k.expiresAt, k.revoked, true, k.lastSeen);
      const revokedHere = new Set((await d.store.revocations()).filter((r) => r.root === root.id).map((r) => r.clientKey));
      for (const v of byKey.values()) v.revoked ||= revokedHere.has(v.key);
      // A key of this profile that is no longer its device key, unrevoked and in no context,
      // was a rotation candidate another tab beat: its private half is gone, it signs nothing.
      const dead = (v: DeviceView) => !v.thisDevice && !v.revoked && v.contexts === 0;
      return [...byKey.values()].filter((v) => !dead(v)).sort((a, b) => Number(b.thisDevice) - Number(a.thisDevice) || b.issuedAt - a.issuedAt);
    },

    /**
     * Revoke one of the root's device keys: the root signs (a wallet root's wallet signs),
     * and the revocation is published in every context that knows the key, where every
     * member's node cascades it (the key's later ops are refused).
     */
    async revoke(keyBase58: string, options: { reason?: string; wallet?: WalletAccount } = {}): Promise<{ contexts: number; refused: string[] }> {
      const root = await myRoot();
      const clientKey = fromBase58(keyBase58);
      const claims: RevocationClaims = { root: root.id, clientKey, revokedAt: d.platform.now(), reason: (options.reason ?? 'revoked by its owner').slice(0, 200) };
      const revocation =
        root.kind === 'local'
          ? await signLocalRevocation(await d.platform.signerFor(localRootPublicKey(root.id), root.handle!), claims)
          : await revokeWithWallet(await checkWallet(root.id, options.wallet), claims, d.proofs);
      const bytes = revocationCodec.encode(revocation);
      // Stored first: contexts still joining (or fetched later) publish it once they settle.
      await d.store.putRevocation({ clientKey: keyBase58, root: root.id, bytes });
      const outcomes = [...(await d.contexts.revokeKey(bytes, toHex(clientKey))).values()];
      const refused = outcomes.filter((o) => !o.valid);
      return { contexts: outcomes.length - refused.length, refused: refused.map((o) => o.message ?? o.reason ?? 'refused') };
    },

    /** Extend this device's delegation before it ends (the root signs a new one). */
    async renew(options: { wallet?: WalletAccount } = {}): Promise<void> {
      const status = await d.identity.status();
      await delegateKey((await d.identity.device()).publicKey, status.delegation?.label ?? 'This browser', options.wallet);
      await d.contexts.reannounce();
    },

    /**
     * Replace this device's key: a new key, delegated by the root and introduced in every
     * context, then the old key revoked everywhere. `replacing`: the key the caller judged
     * (e.g. too old); if another is in its place, another tab rotated it already.
     */
    async rotate(options: { wallet?: WalletAccount; replacing?: Uint8Array } = {}): Promise<{ oldKey: string; newKey: string; contexts: number; refused: string[] }> {
      const status = await d.identity.status();
      const label = status.delegation?.label ?? 'This browser';
      const old = await d.identity.device();
      if (options.replacing && !bytesEqual(options.replacing, old.publicKey)) throw new KeyAlreadyRotatedError(toBase58(old.publicKey));
      // The new key is delegated before it replaces the old one: a wallet that declines
      // leaves this device as it was.
      const candidate = await d.platform.generateDeviceKey(d.platform.now());
      await delegateKey(candidate.publicKey, label, options.wallet);
      const next = await d.store.replaceDeviceKey(old.publicKey, candidate);
      // Signed out meanwhile: the keys went with the root, and the new one is not kept.
      if (!next) throw new NotSignedInError();
      // The tab that won announces its key and revokes the old one; this one is done.
      if (!bytesEqual(next.publicKey, candidate.publicKey)) throw new KeyAlreadyRotatedError(toBase58(next.publicKey));
      await d.contexts.reannounce();
      // The new key must be known in a context before it can sign the old one's revocation
      // there; contexts that do not settle now get it later (stored revocations catch up).
      await Promise.all((await d.store.contexts()).map((c) => d.contexts.open(c.id).whenSettled()));
      const revoked = await service.revoke(toBase58(old.publicKey), { reason: 'rotated', ...(options.wallet ? { wallet: options.wallet } : {}) });
      return { oldKey: toBase58(old.publicKey), newKey: toBase58(next.publicKey), ...revoked };
    },
  };
  return service;
}

export type DevicesService = ReturnType<typeof devicesService>;
