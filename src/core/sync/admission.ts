import { toHex } from '../crypto/index.ts';
import { delegationCodec } from '../identity/index.ts';
import { idKey } from '../ops/op.ts';
import { admitPeer, authenticatePeer, checkClocks, refusalCode, signHandshake } from './handshake.ts';
import { PROTOCOL_VERSION, type Credential, type SyncMessage } from './messages.ts';
import { SYNC_QUOTAS } from './quota.ts';
import type { PeerInfo, Session } from './session.ts';
import type { SyncWire } from './wire.ts';

type Handshake = Extract<SyncMessage, { kind: 'hello' | 'auth' }>;
type Refused = Extract<SyncMessage, { kind: 'refused' }>;

/**
 * Who a link's peer is and whether it may have ops: the handshake (hello with clocks
 * compared, then proof of key possession over both nonces), admission against the
 * governance now (member or invitee), and judging again whenever governance changes. A
 * refused peer is told why and let go after a while. `onAdmitted` starts syncing.
 */
export function createAdmission(w: SyncWire, onAdmitted: (s: Session) => void) {
  const { o } = w;
  const myRoot = delegationCodec.decode(o.identity.delegation).claims.root;

  /** Judge (again) whether an authenticated peer may have ops; start syncing when it may. */
  async function admit(s: Session): Promise<void> {
    if (!s.auth || s.info.state === 'closed') return;
    const judgement = ++s.admissions;
    const verdict = await admitPeer(s.auth.claims, s.auth.credential, o.replica.contextId, o.replica.governance(), o.now(), s.auth.origin);
    if ((s.info.state as PeerInfo['state']) === 'closed' || judgement !== s.admissions) return;
    const was = s.info.state;
    if (verdict.ok) {
      s.info.state = 'verified';
      s.info.standing = verdict.standing;
      delete s.info.refusal;
      if (was !== 'verified') onAdmitted(s);
    } else {
      if (was !== 'refused') w.send(s, { kind: 'refused', code: refusalCode(verdict.reason), reason: verdict.message.slice(0, 200) });
      s.info.state = 'refused';
      s.info.refusal = verdict.message;
      // A refused link holds a connection slot: it gets a while for governance to catch up, then goes.
      if (was !== 'refused') {
        o.scheduler.schedule(SYNC_QUOTAS.refusedLingerMs, () => {
          // Still refused by this very judgement (not admitted and refused again since).
          if (s.info.state === 'refused' && s.admissions === judgement) w.close(s, `refused: ${s.info.refusal}`);
        });
      }
    }
    if (was !== s.info.state) o.onChange?.({ kind: 'peers' });
  }

  /** The invite my root joined with, from its join op: shown to a peer whose history does not know me yet. */
  function myJoinInvite(): Credential | undefined {
    for (const c of o.replica.dag.all()) {
      if (c.op.body.kind === 'join' && c.delegation?.root === myRoot && o.replica.inHistory(c.key)) return { kind: 'invite', invite: c.op.body.invite };
    }
    return undefined;
  }

  async function sendAuth(s: Session, credential: Credential = o.identity.credential()): Promise<void> {
    const signature = await signHandshake(o.identity.signer, o.replica.contextId, s.myNonce, s.theirNonce!);
    w.send(s, { kind: 'auth', key: o.identity.signer.publicKey, delegation: o.identity.delegation, credential, signature });
  }

  function sendHello(s: Session): void {
    w.send(s, { kind: 'hello', protocol: PROTOCOL_VERSION, context: o.replica.contextId, nonce: s.myNonce, time: Math.max(0, Math.floor(o.now())) });
  }

  return {
    admit,
    sendHello,

    /** After governance changed: every peer's admission may have changed with it. */
    recheckPeers(): void {
      for (const s of w.sessions.values()) void admit(s);
    },

    /** Retransmit an unfinished handshake (links are reliable in browsers; this covers lossy ones). */
    retry(s: Session): void {
      if (s.auth) return;
      sendHello(s);
      if (s.theirNonce) void sendAuth(s);
    },

    async onHandshake(s: Session, m: Handshake): Promise<void> {
      if (m.kind === 'hello') {
        // A repeated hello (a retransmission) gets my auth again; a different nonce is an attack or a bug.
        if (s.theirNonce && idKey(s.theirNonce) !== idKey(m.nonce)) return w.close(s, 'protocol error: a second hello');
        if (m.protocol !== PROTOCOL_VERSION) return w.close(s, `the peer speaks protocol ${m.protocol}, this node ${PROTOCOL_VERSION}: update the older Tabnode`);
        if (idKey(m.context) !== o.replica.contextKey) return w.close(s, 'this link is for another context');
        s.info.clockOffsetMs = m.time - o.now();
        const clocks = checkClocks(s.info.clockOffsetMs);
        if (!clocks.ok) {
          o.onChange?.({ kind: 'clock', from: s.link.id, message: clocks.message });
          return w.close(s, clocks.message);
        }
        s.theirNonce = m.nonce;
        await sendAuth(s);
        return;
      }
      if (!s.theirNonce) return; // it overtook the hello; the peer sends it again
      if (s.auth) {
        // A retransmission, or the same key presenting another credential after a refusal.
        if (toHex(m.key) !== toHex(s.auth.claims.clientKey) || m.credential.kind === s.auth.credential.kind) return;
        if (++s.reauths > SYNC_QUOTAS.reauths) return;
      }
      const verdict = await authenticatePeer({
        context: o.replica.contextId,
        key: m.key,
        delegation: m.delegation,
        signature: m.signature,
        theirNonce: s.theirNonce,
        myNonce: s.myNonce,
        now: o.now(),
        proofs: o.replica.proofs,
      });
      if (!verdict.ok) return w.close(s, `not allowed: ${verdict.message}`);
      s.auth = { claims: verdict.claims!, credential: m.credential, ...(verdict.origin === undefined ? {} : { origin: verdict.origin }) };
      Object.assign(s.info, { root: verdict.claims!.root, key: toHex(m.key), label: verdict.claims!.label });
      await admit(s);
    },

    /** The peer refuses me: only one that proved its key may tell me (and the person joining) why. */
    async onRefused(s: Session, m: Refused): Promise<void> {
      if (!s.auth) return;
      s.info.refusedBy = m.reason;
      s.info.refusedByCode = m.code;
      o.onChange?.({ kind: 'peers' });
      // Its history may not have my join yet: show it the invite I joined with instead.
      const fallback = m.code === 'not-a-member' && !s.triedJoinInvite ? myJoinInvite() : undefined;
      if (fallback && s.theirNonce) {
        s.triedJoinInvite = true;
        await sendAuth(s, fallback);
      }
    },
  };
}
