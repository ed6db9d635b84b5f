// A token bucket per client address (IPv6: per /64, as for signaling), for the chain
// endpoints' rate limits. Bounded: past MAX_CLIENTS the oldest bucket is forgotten (a
// forgotten client only gets a full bucket back, never more than the burst).
import type { IncomingMessage } from 'node:http';
import { tokenBucket } from '../../src/core/mesh/tokenBucket.ts';
import type { TokenBucket } from '../../src/core/mesh/tokenBucket.ts';
import { ipKey } from '../signaling.ts';

const MAX_CLIENTS = 10_000;

export interface ClientBuckets {
  /** Takes `amount` from the request's client; false when over its limit. */
  take(req: IncomingMessage, amount?: number): boolean;
}

export function clientBuckets(limit: { perSecond: number; burst: number }): ClientBuckets {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(req, amount = 1) {
      const client = ipKey(req.socket.remoteAddress ?? 'unknown');
      let bucket = buckets.get(client);
      if (!bucket) {
        if (buckets.size >= MAX_CLIENTS) buckets.delete(buckets.keys().next().value!);
        bucket = tokenBucket(limit, performance.now());
        buckets.set(client, bucket);
      }
      return bucket.take(amount, performance.now());
    },
  };
}
