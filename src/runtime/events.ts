import { sha256 } from '../core/crypto/sha256.ts';
import type { CallEvent } from './types.ts';

/** An event as a delta op carries it (src/core/ops/op.ts): whole, or as SHA-256(payload). */
export interface PublishedEvent {
  name: string;
  hashed: boolean;
  payload: Uint8Array;
}

/** What leaves this device: hash-only events keep only the SHA-256 of their payload. */
export function publishedEvents(events: readonly CallEvent[]): PublishedEvent[] {
  return events.map((e) => ({ name: e.name, hashed: e.hashOnly, payload: e.hashOnly ? sha256(e.payload) : e.payload }));
}
