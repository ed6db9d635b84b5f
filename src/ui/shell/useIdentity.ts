import type { IdentityStatus } from '../../node/index.ts';
import { useNode } from './nodeContext.ts';
import { useLive } from './useLive.ts';

/** The identity status, refreshed when the node changes (throttled) and every few seconds. */
export function useIdentity(): { status: IdentityStatus | undefined } {
  const node = useNode();
  const { value } = useLive(() => node.identity.status(), [], 5000);
  return { status: value };
}
