// A peer for attack tests: it speaks the sync protocol by hand over a Link, so a test can
// send whatever an attacker would — valid handshakes, then crafted messages — and see what
// comes back.
import type { Signer } from '../../core/crypto/index.ts';
import type { Link } from '../../core/mesh/Link.ts';
import { signHandshake } from '../../core/sync/handshake.ts';
import { PROTOCOL_VERSION, syncCodec, type Credential, type SyncMessage } from '../../core/sync/messages.ts';

export interface RawPeerOptions {
  context: Uint8Array;
  signer: Signer;
  delegation: Uint8Array;
  credential?: Credential;
  /** Its clock (ms): what its hello says. */
  now?: () => number;
  /** Answer the other side's hello with auth (default true). */
  authenticate?: boolean;
  /** Called for every message received (after the handshake answer), to script replies. */
  respond?(m: SyncMessage, peer: RawPeer): void;
}

export interface RawPeer {
  link: Link;
  /** Every message received, decoded (undecodable ones as `undefined`). */
  received: (SyncMessage | undefined)[];
  /** Bytes sent and received so far. */
  bytes: { sent: number; received: number };
  send(m: SyncMessage): Promise<void>;
  sendBytes(bytes: Uint8Array): Promise<void>;
  /** The first message of `kind` received (waiting for it up to `ms`). */
  next<K extends SyncMessage['kind']>(kind: K, ms?: number): Promise<Extract<SyncMessage, { kind: K }>>;
  /** The auth message it sent last (to replay elsewhere). */
  lastAuth?: Extract<SyncMessage, { kind: 'auth' }>;
}

export function rawPeer(link: Link, o: RawPeerOptions): RawPeer {
  const nonce = crypto.getRandomValues(new Uint8Array(32));
  const waiters = new Set<() => void>();
  const peer: RawPeer = {
    link,
    received: [],
    bytes: { sent: 0, received: 0 },
    async send(m) {
      await peer.sendBytes(syncCodec.encode(m));
    },
    async sendBytes(bytes) {
      peer.bytes.sent += bytes.length;
      await link.send(bytes).catch(() => undefined);
    },
    next(kind, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = peer.received.find((m) => m?.kind === kind);
          if (!found) return false;
          waiters.delete(check as () => void);
          clearTimeout(timer);
          resolve(found as never);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check as () => void);
          reject(new Error(`no ${kind} message within ${ms} ms (got ${peer.received.map((m) => m?.kind).join(', ')})`));
        }, ms);
        if (!check()) waiters.add(check as () => void);
      });
    },
  };
  link.onMessage((bytes) => {
    peer.bytes.received += bytes.length;
    let m: SyncMessage | undefined;
    try {
      m = syncCodec.decode(bytes);
    } catch {
      m = undefined;
    }
    peer.received.push(m);
    if (m?.kind === 'hello' && o.authenticate !== false) {
      void signHandshake(o.signer, o.context, nonce, m.nonce).then((signature) => {
        const auth: Extract<SyncMessage, { kind: 'auth' }> = { kind: 'auth', key: o.signer.publicKey, delegation: o.delegation, credential: o.credential ?? { kind: 'member' }, signature };
        peer.lastAuth = auth;
        return peer.send(auth);
      });
    }
    if (m && o.respond) o.respond(m, peer);
    for (const w of [...waiters]) w();
  });
  void peer.send({ kind: 'hello', protocol: PROTOCOL_VERSION, context: o.context, nonce, time: Math.floor((o.now ?? Date.now)()) });
  return peer;
}
