import { bytesEqual, toHex } from '../../../core/crypto/index.ts';
import { checkInviteStandalone, inviteCodec, parseInviteLink, readInviteLink, InviteLinkError } from '../../../core/invitation/index.ts';
import type { ContextServiceDeps, InvitePreview } from './deps.ts';
import { sealInviteBoxSecret } from '../context/inviteBoxSecret.ts';
import type { ContextRegistry } from './registry.ts';

/** Coming into a context held elsewhere: check an invite, join by it, or rejoin as a member's new device. */
export function joining(d: ContextServiceDeps, registry: ContextRegistry, changed: () => void) {
  /** Check an invite link without joining: signature, expiry, limits. */
  async function previewInvite(link: string): Promise<InvitePreview> {
    try {
      const invite = parseInviteLink(link);
      const verdict = await checkInviteStandalone(invite, d.now());
      if (!verdict.ok) return { ok: false, problem: verdict.reason === 'expired' ? `This invite has expired: ${verdict.message}.` : `This invite is not valid: ${verdict.message}.` };
      const contextId = toHex(invite.claims.context);
      const alreadyHere = (await d.store.contexts()).some((c) => c.id === contextId);
      const { contextName, role, expiresAt, maxUses } = invite.claims;
      return { ok: true, contextId, contextName, role, expiresAt, maxUses, alreadyHere };
    } catch (e) {
      if (e instanceof InviteLinkError) return { ok: false, problem: `${e.message}.` };
      // A decoder's message names byte offsets and type tags: the person gets plain words.
      return { ok: false, problem: 'This link is not a Tabnode invite, or it was cut short: ask for a new link.', detail: String(e) };
    }
  }

  return {
    previewInvite,

    /** Join through an invite link: fetch the history from members, then sign the join op. */
    async join(link: string): Promise<string> {
      const preview = await previewInvite(link);
      if (!preview.ok) throw new Error(preview.problem);
      const { invite, boxSecret } = readInviteLink(link);
      const id = preview.contextId;
      // Sealed by the vault: the link's secret opens every key granted to the invite.
      const byInvite = async () => ({
        invite: inviteCodec.encode(invite),
        ...(boxSecret && { inviteBoxSecret: await sealInviteBoxSecret(d.vault, id, boxSecret) }),
      });
      const held = preview.alreadyHere ? (await d.store.contexts()).find((c) => c.id === id) : undefined;
      if (!held) {
        await d.store.putContext({ id, name: invite.claims.contextName, secret: invite.claims.secret, signaling: invite.claims.signaling, ...(await byInvite()), createdAt: d.now() });
      } else if (!held.invite || !bytesEqual(held.invite, inviteCodec.encode(invite))) {
        // Held here already: by someone who signed out, or stuck on an invite that expired or
        // was used up. Unless this root is a member, the context opens again with this invite.
        const { root } = await d.identity.signing();
        if (!(await registry.start(id)).replica.governance().members.has(root)) {
          await registry.stop(id);
          // Private storage here is not this root's (the person who signed out kept theirs in it).
          const privates = await d.store.privateEntries(id);
          if (privates.length) await d.store.putPrivate(id, privates.map(([key]) => [key, null]));
          await d.store.putContext({ ...held, ...(await byInvite()) });
        }
      }
      await registry.start(id);
      changed();
      return id;
    },

    /**
     * Come back to a context this identity's root is a member of, on a device that does
     * not hold it yet (a wallet login in a new browser): fetch the history from members
     * (who admit us as a device of a member root) and sign an `add-device` op.
     */
    async rejoin(entry: { id: string; name: string; secret: Uint8Array; signaling?: string[] }): Promise<void> {
      if ((await d.store.contexts()).some((c) => c.id === entry.id)) return;
      await d.store.putContext({
        id: entry.id,
        name: entry.name,
        secret: entry.secret,
        signaling: entry.signaling ?? [],
        rejoin: true,
        createdAt: d.now(),
      });
      await registry.start(entry.id);
      changed();
    },
  };
}
