import type { Signer } from '../../../core/crypto/index.ts';
import { signInvite, type Invite } from '../../../core/invitation/index.ts';
import type { Role } from '../../../core/ops/roles.ts';

export interface InviteOptions {
  role: Role;
  expiresInMs: number;
  maxUses: number;
}

/** Sign an invite with this device's key, carrying the rendezvous secret and signaling. */
export function signContextInvite(
  signer: Signer,
  context: { id: Uint8Array; name: string; secret: Uint8Array; signaling: string[] },
  options: InviteOptions,
  now: number,
  nonce: Uint8Array,
  /** The invite's box key: the current epoch key is granted to it (docs/decisions/epoch-keys.md). */
  boxKey?: Uint8Array,
): Promise<Invite> {
  return signInvite(signer, {
    context: context.id,
    contextName: context.name,
    role: options.role,
    expiresAt: now + options.expiresInMs,
    maxUses: options.maxUses,
    secret: context.secret,
    signaling: context.signaling,
    nonce,
    ...(boxKey && { boxKey }),
  });
}
