// A verification worker: answers packed signature checks with one verdict byte each.
import { inlineBatchVerifier } from '../../core/crypto/index.ts';
import { unpackChecks, type VerifyReply, type VerifyRequest } from './packing.ts';

const scope = self as unknown as { onmessage: ((e: MessageEvent<VerifyRequest>) => void) | null; postMessage(m: VerifyReply, transfer: Transferable[]): void };

scope.onmessage = async ({ data }) => {
  const checks = unpackChecks(data.checks);
  const results = await inlineBatchVerifier.verify(checks);
  const valid = Uint8Array.from(results, (ok) => (ok ? 1 : 0));
  scope.postMessage({ id: data.id, valid }, [valid.buffer]);
};
