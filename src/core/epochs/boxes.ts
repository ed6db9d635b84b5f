import { BoxError, bytesEqual, fromHex, openSealedBox, sealToBoxKey, toHex, type BoxKeyPair } from '../crypto/index.ts';
import { idKey, OP_LIMITS, type EpochRecipient, type Op, type OpBody } from '../ops/op.ts';
import type { Invite } from '../invitation/invite.ts';
import { newerKey } from './keyAt.ts';
import type { EpochKeyRing } from './ring.ts';
import { boxInfo, EPOCH_KEY_BYTES, epochKeyCommit, genesisBoxInfo, loadBodyCipher, sealPrevious, type CarriedKey } from './seal.ts';

/**
 * Seal one key to each box key (hex), bound to the context's box `info`. A box key nothing can
 * be sealed to (a low-order point: `BoxError`) gets no box, so one bad recipient does not stop
 * a rotation or grant reaching the rest; the caller sees it missing from the boxes.
 */
async function sealKeyTo(recipients: string[], key: Uint8Array, info: Uint8Array): Promise<EpochRecipient[]> {
  const boxes = await Promise.all(
    recipients.map(async (to) => {
      try {
        return { to: fromHex(to), box: await sealToBoxKey(fromHex(to), key, info) };
      } catch (e) {
        if (e instanceof BoxError) return undefined;
        throw e;
      }
    }),
  );
  return boxes.filter((b): b is EpochRecipient => b !== undefined);
}

/** A genesis's epoch fields: epoch 0's `key` sealed to the creator device's own box key, and the commitment to it. */
export async function genesisEpochFields(
  boxKey: Uint8Array,
  key: Uint8Array,
  genesisNonce: Uint8Array,
): Promise<{ boxKey: Uint8Array; epochBox: EpochRecipient['box']; keyCommit: Uint8Array }> {
  return { boxKey, epochBox: await sealToBoxKey(boxKey, key, genesisBoxInfo(genesisNonce)), keyCommit: epochKeyCommit(key) };
}

/**
 * A `rotate-epoch` body: `newKey` sealed to `recipients`, carrying forward `carried` (the key
 * it replaces first, then concurrent losers the author holds) under the new key.
 */
export async function rotationBody(
  contextId: Uint8Array,
  epoch: number,
  newKey: Uint8Array,
  previousNonce: Uint8Array,
  recipients: string[],
  carried: CarriedKey[],
): Promise<OpBody> {
  await loadBodyCipher();
  return {
    kind: 'rotate-epoch',
    epoch,
    keyCommit: epochKeyCommit(newKey),
    boxes: await sealKeyTo(recipients, newKey, boxInfo(contextId)),
    previous: sealPrevious(newKey, previousNonce, contextId, carried),
  };
}

/** A `grant-epoch` body: the key of `keyOp` sealed to `recipients` (the signed invite's box key alone when `invite` is given). */
export async function grantBody(contextId: Uint8Array, keyOp: string, key: Uint8Array, recipients: string[], invite?: Invite): Promise<OpBody> {
  return { kind: 'grant-epoch', keyOp: fromHex(keyOp), boxes: await sealKeyTo(recipients, key, boxInfo(contextId)), ...(invite && { invite }) };
}

/**
 * The keys a rotation carries forward at a point whose winning key is `replaced`, given the
 * key ops valid in that point's past (`GovState.epochKeys`): `replaced` first, then the
 * concurrent losers held that `replaced`'s own chain does not already reach (it carries
 * everything before it), newest first, at most `OP_LIMITS.previousKeys` in all, so a
 * rotation always encodes however long the history.
 */
export function keysToCarry(ring: EpochKeyRing, replaced: string, keyOps: ReadonlyMap<string, { epoch: number }>): CarriedKey[] {
  const reached = ring.reachable(replaced);
  const losers = [...keyOps]
    .filter(([op]) => op !== replaced && !reached.has(op) && ring.has(op))
    .map(([op, { epoch }]) => ({ op, epoch }))
    .sort((a, b) => (newerKey(a, b) === a ? -1 : 1));
  const out: CarriedKey[] = [];
  for (const op of [replaced, ...losers.map((l) => l.op)]) {
    const key = ring.get(op);
    if (key && out.length < OP_LIMITS.previousKeys) out.push({ keyOp: fromHex(op), key });
  }
  return out;
}

/** An epoch key found in an op for this device. */
export interface OpenedKey {
  keyOp: string;
  key: Uint8Array;
}

/**
 * Open the box of an op addressed to `mine` (a device's or an invite's box key pair): the
 * genesis's box, a rotation's, a grant's; only the first box to `mine` (one HPKE open per op
 * and box key, however many boxes repeat it). A box that does not open (altered, or sealed
 * with another `info`) is skipped: the key must come from another op or a `previous` chain.
 * What opens is only offered: the ring holds it only if it matches its key op's commitment.
 */
export async function openBoxesFor(op: Op, contextId: Uint8Array, mine: BoxKeyPair): Promise<OpenedKey[]> {
  const body = op.body;
  const attempts: { keyOp: string; box: EpochRecipient['box']; info: Uint8Array }[] = [];
  if (body.kind === 'genesis' && body.epochBox && body.boxKey && bytesEqual(body.boxKey, mine.publicKey)) {
    attempts.push({ keyOp: idKey(op.id), box: body.epochBox, info: genesisBoxInfo(body.nonce) });
  }
  if (body.kind === 'rotate-epoch' || body.kind === 'grant-epoch') {
    const keyOp = body.kind === 'rotate-epoch' ? idKey(op.id) : toHex(body.keyOp);
    const r = body.boxes.find((b) => bytesEqual(b.to, mine.publicKey));
    if (r) attempts.push({ keyOp, box: r.box, info: boxInfo(contextId) });
  }
  const out: OpenedKey[] = [];
  for (const a of attempts) {
    try {
      const key = await openSealedBox(mine, a.box, a.info);
      if (key.length === EPOCH_KEY_BYTES) out.push({ keyOp: a.keyOp, key });
    } catch (e) {
      if (!(e instanceof BoxError)) throw e;
    }
  }
  return out;
}
