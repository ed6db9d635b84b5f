import type { Link } from './Link.ts';
import { LinkClosedError } from './Link.ts';
import type { LinkEnd } from './linkEnd.ts';
import { linkEnd } from './linkEnd.ts';
import type { Scheduler } from './Scheduler.ts';
import { seededRandom } from './seededRandom.ts';

/**
 * Faults a memory link can inject, for simulations of what the layers above must survive.
 * With none set the link is ordered and reliable and passes `linkContract`.
 */
export interface MemoryLinkFaults {
  /** Probability in [0, 1] that a message is lost. */
  drop?: number;
  /** Probability in [0, 1] that a message is delivered a second time. */
  duplicate?: number;
  /** Extra random delay in [0, reorderMs) per delivery; it ignores ordering, so messages overtake each other. */
  reorderMs?: number;
  /** One-way delay: a fixed number or a uniform [min, max] range. On its own it keeps messages in order. */
  delayMs?: number | readonly [number, number];
}

export interface MemoryLinkOptions {
  scheduler: Scheduler;
  /** Seeded source in [0, 1) for the faults (default `seededRandom(1)`), so a run replays from its seed. */
  random?: () => number;
  faults?: MemoryLinkFaults;
  maxMessageBytes?: number;
  /** Bytes in flight per direction before `send` waits for deliveries (back-pressure). Default 1 MiB. */
  highWaterBytes?: number;
  /** Names of the two ends, used as each side's `remoteHint` and in the link ids. */
  names?: readonly [string, string];
}

export interface MemoryLinkPair {
  readonly a: Link;
  readonly b: Link;
  /** While on, every message (sent or already in flight) is lost. Close notices still arrive. */
  partition(on: boolean): void;
  /** Replace the faults from now on (messages in flight keep their fate). */
  setFaults(faults: MemoryLinkFaults): void;
}

export const DEFAULT_MEMORY_HIGH_WATER_BYTES = 1024 * 1024;

let pairs = 0;

interface Direction {
  from: () => LinkEnd;
  to: () => LinkEnd;
  /** Due time of the last in-order delivery: later in-order deliveries never come earlier. */
  lastAt: number;
  /**
   * In-order deliveries. Each timer delivers the head, not "its" message, so order holds
   * even on a real scheduler that does not run equal-time timers in scheduling order.
   */
  inOrder: Array<Uint8Array | { closedBecause: string }>;
  inFlightBytes: number;
  /** The one send waiting for room (sends reach the transport one at a time). */
  waiter?: { resolve: () => void; reject: (error: Error) => void };
}

export function memoryLinkPair(options: MemoryLinkOptions): MemoryLinkPair {
  const { scheduler } = options;
  const random = options.random ?? seededRandom(1);
  const highWater = options.highWaterBytes ?? DEFAULT_MEMORY_HIGH_WATER_BYTES;
  const [nameA, nameB] = options.names ?? ['a', 'b'];
  const pair = ++pairs;
  let faults: MemoryLinkFaults = options.faults ?? {};
  let partitioned = false;

  const delay = (): number => {
    const d = faults.delayMs ?? 0;
    if (typeof d === 'number') return d;
    return d[0] + random() * (d[1] - d[0]);
  };
  const jitter = (): number => (faults.reorderMs ? random() * faults.reorderMs : 0);
  const chance = (p: number | undefined): boolean => (p ? random() < p : false);

  const release = (dir: Direction): void => {
    if (dir.inFlightBytes > highWater || !dir.waiter) return;
    const { resolve } = dir.waiter;
    delete dir.waiter;
    resolve();
  };

  const arrive = (dir: Direction, message: Uint8Array, counted: boolean): void => {
    if (counted) {
      dir.inFlightBytes -= message.length;
      release(dir);
    }
    if (!partitioned) dir.to().receive(message);
  };

  const deliverHead = (dir: Direction): void => {
    const head = dir.inOrder.shift();
    if (head instanceof Uint8Array) arrive(dir, head, true);
    else if (head) dir.to().end(`closed by the other side: ${head.closedBecause}`);
  };

  const inOrderAt = (dir: Direction): number => {
    dir.lastAt = Math.max(scheduler.now() + delay(), dir.lastAt);
    return dir.lastAt;
  };

  const dispatch = (dir: Direction, original: Uint8Array): void => {
    if (partitioned || chance(faults.drop)) return;
    const message = original.slice();
    const at = inOrderAt(dir);
    dir.inFlightBytes += message.length;
    if (faults.reorderMs) {
      scheduler.schedule(at + jitter() - scheduler.now(), () => arrive(dir, message, true));
    } else {
      dir.inOrder.push(message);
      scheduler.schedule(at - scheduler.now(), () => deliverHead(dir));
    }
    if (chance(faults.duplicate)) {
      const copy = message.slice();
      scheduler.schedule(at + jitter() - scheduler.now(), () => arrive(dir, copy, false));
    }
  };

  const transmit = (dir: Direction, message: Uint8Array): void | Promise<void> => {
    if (dir.inFlightBytes <= highWater) return dispatch(dir, message);
    return new Promise<void>((resolve, reject) => (dir.waiter = { resolve, reject })).then(() => {
      const { link } = dir.from();
      if (link.closed) throw new LinkClosedError(link.id, link.closeReason ?? 'closed');
      dispatch(dir, message);
    });
  };

  const shutdown = (dir: Direction, reason: string): void => {
    dir.waiter?.reject(new LinkClosedError(dir.from().link.id, reason));
    delete dir.waiter;
    // Behind everything already sent, like a transport's orderly close.
    const at = inOrderAt(dir);
    dir.inOrder.push({ closedBecause: reason });
    scheduler.schedule(at - scheduler.now(), () => deliverHead(dir));
  };

  const ab: Direction = { from: () => endA, to: () => endB, lastAt: 0, inOrder: [], inFlightBytes: 0 };
  const ba: Direction = { from: () => endB, to: () => endA, lastAt: 0, inOrder: [], inFlightBytes: 0 };
  const endA: LinkEnd = linkEnd({
    maxMessageBytes: options.maxMessageBytes,
    id: `memory:${pair}:${nameA}->${nameB}`,
    remoteHint: nameB,
    transmit: (m) => transmit(ab, m),
    shutdown: (reason) => shutdown(ab, reason),
  });
  const endB: LinkEnd = linkEnd({
    maxMessageBytes: options.maxMessageBytes,
    id: `memory:${pair}:${nameB}->${nameA}`,
    remoteHint: nameA,
    transmit: (m) => transmit(ba, m),
    shutdown: (reason) => shutdown(ba, reason),
  });

  return {
    a: endA.link,
    b: endB.link,
    partition(on) {
      partitioned = on;
    },
    setFaults(next) {
      faults = next;
    },
  };
}
