import { importBoxKeyPair, toHex, type BoxKeyPair } from '../../../core/crypto/index.ts';
import type { Replica } from '../../../core/context/replica.ts';
import type { Store } from '../../../core/store/index.ts';
import { unwrapEpochKey, wrapEpochKey } from '../../../adapters/webcrypto/epochKeyWrap.ts';
import type { ContextDeps } from './deps.ts';
import { createEpochKeys } from './epochKeys.ts';
import { openInviteBoxSecret } from './inviteBoxSecret.ts';
import type { createPublisher } from './publishing.ts';

/**
 * This device's epoch keys for one context, wrapped by the profile's vault, with the invite's
 * box key while joining with it (the link carried its private half; the record keeps it sealed
 * by the vault until the join no longer needs it: `inviteBoxGone`).
 */
export function deviceEpochKeys(
  d: ContextDeps,
  p: { contextId: Uint8Array; replica: Replica; store: Store; publish: ReturnType<typeof createPublisher>; isClosed(): boolean },
) {
  const { record, identity } = d;
  let inviteBox: Promise<BoxKeyPair | undefined> | undefined;
  const openInviteBox = async (sealed: Uint8Array) => {
    const raw = await openInviteBoxSecret(d.vault, record.id, sealed);
    return raw && importBoxKeyPair(raw);
  };
  const epochs = createEpochKeys({
    contextId: p.contextId,
    contextKey: record.id,
    replica: p.replica,
    store: p.store,
    wrap: (context, keyOp, raw) => wrapEpochKey(d.vault, context, keyOp, raw),
    unwrap: (context, keyOp, wrapped) => unwrapEpochKey(d.vault, context, keyOp, wrapped),
    deviceBox: d.boxKey,
    inviteBox: async () => (record.inviteBoxSecret ? await (inviteBox ??= openInviteBox(record.inviteBoxSecret)) : (inviteBox = undefined)),
    me: { root: identity.root, key: toHex(identity.signer.publicKey) },
    publish: p.publish,
    scheduler: d.scheduler,
    now: d.now,
    randomBytes: d.randomBytes,
    isClosed: p.isClosed,
    onChange: d.onChange,
  });
  return { epochs, inviteBoxGone: () => void (inviteBox = undefined) };
}
