import type { PrivateVault } from '../../../adapters/webcrypto/vault.ts';

/** The vault slot of the invite's box secret in a context's record, while it joins. */
const SLOT = 'tabnode:invite-box-secret';

/**
 * The private half of an invite's box key, as kept in the context record until the join is
 * valid and the key granted to the invite is held (membership.ts): sealed by the profile's vault (like snapshots and epoch keys), so a disk image
 * without the live profile does not give the keys granted to the invite.
 */
export function sealInviteBoxSecret(vault: Pick<PrivateVault, 'seal'>, context: string, secret: Uint8Array): Promise<Uint8Array> {
  return vault.seal(context, SLOT, secret);
}

/** The raw secret back; undefined if it does not open (damaged, another profile's, or kept in clear by an older version). */
export async function openInviteBoxSecret(vault: Pick<PrivateVault, 'open'>, context: string, sealed: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    return await vault.open(context, SLOT, sealed);
  } catch {
    return undefined;
  }
}
