import type { AnchorBinding, AnchorChain, ChainPosition, Hash32, RegistryEvent } from '../../core/anchor/AnchorChain.ts';
import type { KeyRevokedEvent } from '../../core/anchor/binding.ts';
import { compareAnchor, type AnchorComparison, type AnchorLocalView } from '../../core/anchor/compare.ts';
import { anchorRecordHash } from '../../core/anchor/recordHash.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import type { AnchorEntryView, AnchorStatus } from './view.ts';

/*
 * Reads one context's registry records and checks them against this node's history:
 * polls with back-off, takes only events `confirmations` blocks deep (a reorg above that
 * depth is not seen), keeps a bounded window of recent anchors, and never scans more than
 * `maxBlockRange` blocks per poll (cost per poll does not grow with the chain).
 */

export const ANCHOR_WATCH = {
  firstPollMs: 500,
  minPollMs: 1_000,
  maxPollMs: 30_000,
  /** Polls at the base interval after a poke (an anchor of a governance change is likely soon). */
  eagerPolls: 10,
  /** How long an anchored head may be missing here before "withheld history". */
  withheldAfterMs: 20_000,
  maxBlockRange: 5_000n,
  history: 20,
  revokedShown: 50,
  /** Admin addresses tracked (the owner adds them, paying for each). */
  admins: 256,
} as const;


export interface WatchDeps {
  context: Hash32;
  binding: AnchorBinding;
  chain: AnchorChain;
  confirmations: number;
  local: AnchorLocalView;
  /** Changes whenever the local history does (replica.changes()): reads re-judge only then. Without it, every read re-judges. */
  version?: () => number;
  scheduler: Scheduler;
  /** A chain-revoked key: import it into the context (the caller skips keys already revoked). */
  onRevoked(event: KeyRevokedEvent): Promise<void>;
  /** The registry's app hash, when it is set or changes. */
  onAppHash(hash: Hash32): void;
  alert(kind: 'anchor', message: string): void;
  onChange(): void;
  timings?: AnchorWatchTimings;
}

/** Tests shorten these; the node runs on ANCHOR_WATCH. */
export interface AnchorWatchTimings {
  /** Time between polls while things change (doubles while nothing does, up to maxPollMs). */
  pollMs?: number;
  withheldAfterMs?: number;
}

export interface AnchorWatch {
  readonly registered: boolean;
  readonly latest: AnchorEntryView | undefined;
  readonly history: AnchorEntryView[];
  readonly appHash: Hash32 | undefined;
  readonly revoked: string[];
  /** The context's admins on chain (lowercase addresses; the owner included), from the events. */
  readonly admins: string[];
  readonly status: AnchorStatus;
  readonly statusMessage: string | undefined;
  readonly lastBlock: bigint | undefined;
  /** Every block up to this one has been read (confirmed events only); -1 before the first poll. */
  readonly scannedTo: bigint;
  readonly checkedAt: number | undefined;
  readonly error: string | undefined;
  /** Poll soon: local governance changed, or a transaction was just confirmed. */
  poke(): void;
  stop(): void;
}

export function watchAnchors(d: WatchDeps): AnchorWatch {
  const base = d.timings?.pollMs ?? ANCHOR_WATCH.minPollMs;
  const withheldAfterMs = d.timings?.withheldAfterMs ?? ANCHOR_WATCH.withheldAfterMs;
  let stopped = false;
  let fromBlock = 0n;
  let registered = false;
  let seq = 0n;
  let appHash: Hash32 | undefined;
  let latest: AnchorEntryView | undefined;
  let latestAt: ChainPosition | undefined;
  const history: AnchorEntryView[] = [];
  const revoked: string[] = [];
  const revokedSet = new Set<string>();
  let comparison: AnchorComparison | undefined;
  /** The local history version `comparison` was judged at. */
  let judgedAt: number | undefined;
  /** When this node first saw the latest anchor (the withheld bound counts from here). */
  let latestSeenAt = 0;
  const alerted = new Set<string>();
  let lastBlock: bigint | undefined;
  let checkedAt: number | undefined;
  let error: string | undefined;
  let delay = base;
  /** Only the latest scheduled poll runs: a poke supersedes the timer it replaces. */
  let generation = 0;
  let eager = 0;
  let running = false;
  let again = false;

  const admins = new Set<string>();
  function setAdmin(address: string, enabled: boolean): void {
    const a = address.toLowerCase();
    if (!enabled) admins.delete(a);
    else if (admins.size < ANCHOR_WATCH.admins) admins.add(a);
  }

  const where = (e: AnchorEntryView) => `anchor #${e.seq} (block ${e.blockNumber}, tx ${e.txHash})`;

  function take(e: RegistryEvent): void {
    if (e.kind === 'registered') {
      registered = true;
      for (const a of [d.binding.owner, ...e.admins]) setAdmin(a, true);
      seq = e.seq;
      appHash = e.appHash;
      d.onAppHash(e.appHash);
    } else if (e.kind === 'app-set') {
      seq = e.seq;
      appHash = e.appHash;
      d.onAppHash(e.appHash);
    } else if (e.kind === 'admin-set') {
      seq = e.seq;
      setAdmin(e.admin, e.enabled);
    } else if (e.kind === 'anchored') {
      seq = e.seq;
      latest = { seq: e.seq.toString(), record: e.record, by: e.by, blockNumber: e.at.blockNumber.toString(), txHash: e.at.txHash, at: e.at.timestamp * 1000 };
      latestAt = e.at;
      latestSeenAt = d.scheduler.now();
      history.unshift(latest);
      if (history.length > ANCHOR_WATCH.history) history.pop();
    } else if (e.kind === 'key-revoked') {
      const key = e.clientKey.slice(2).toLowerCase();
      if (!revokedSet.has(key)) {
        revokedSet.add(key);
        revoked.unshift(key);
        if (revoked.length > ANCHOR_WATCH.revokedShown) revokedSet.delete(revoked.pop()!);
      }
    }
  }

  function compare(): boolean {
    const before = comparison?.status;
    comparison = latest
      ? compareAnchor({ record: latest.record, local: d.local, waitedMs: d.scheduler.now() - latestSeenAt, withheldAfterMs, seq: BigInt(latest.seq), ...(latestAt ? { at: latestAt } : {}) })
      : undefined;
    const now = comparison?.status;
    if (latest && comparison && (now === 'withheld' || now === 'mismatch' || now === 'fork')) {
      const id = `${latest.seq}/${now}`;
      if (!alerted.has(id)) {
        alerted.add(id);
        // The comparison's message names the anchor already (seq, block, tx): say it once.
        const detail = ('message' in comparison ? comparison.message : '').replace(/^[a-z ]+: /, '');
        d.alert('anchor', `${labels[now]} — ${detail.includes(latest.txHash) ? detail : `${where(latest)}: ${detail}`}`);
      }
    }
    return before !== now;
  }

  async function poll(): Promise<boolean> {
    const head = await d.chain.blockNumber();
    lastBlock = head;
    const safe = head - BigInt(Math.max(0, d.confirmations));
    let changed = false;
    if (safe >= fromBlock) {
      const to = safe - fromBlock >= ANCHOR_WATCH.maxBlockRange ? fromBlock + ANCHOR_WATCH.maxBlockRange - 1n : safe;
      const events = await d.chain.events(d.context, d.binding.owner, fromBlock, to);
      for (const e of events) {
        take(e);
        if (e.kind === 'key-revoked') await d.onRevoked(e);
      }
      fromBlock = to + 1n;
      changed = events.length > 0;
      if (fromBlock <= safe) again = true;
      else if (latest && changed) {
        // Caught up: the stored hash must be that of the record the events carried.
        const view = await d.chain.view(d.context, d.binding.owner);
        if (view.seq === seq && view.anchorHash !== anchorRecordHash(latest.record)) {
          d.alert('anchor', `the registry's stored hash for ${where(latest)} is not that of the record its event carried: the RPC is lying or broken`);
        }
      }
    }
    return compare() || changed;
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    if (running) return void (again = true);
    running = true;
    try {
      again = false;
      const changed = await poll();
      error = undefined;
      checkedAt = d.scheduler.now();
      if (eager > 0) eager--;
      delay = changed || again || eager > 0 ? base : Math.min(ANCHOR_WATCH.maxPollMs, delay * 2);
      if (changed) d.onChange();
    } catch (e) {
      const message = (e as Error).message;
      if (error !== message) d.onChange();
      error = message;
      delay = Math.min(ANCHOR_WATCH.maxPollMs, delay * 2);
    } finally {
      running = false;
    }
    scheduleNext(again ? 0 : delay);
  }

  function scheduleNext(ms: number): void {
    if (stopped) return;
    const mine = ++generation;
    d.scheduler.schedule(ms, () => {
      if (mine === generation) void tick();
    });
  }

  scheduleNext(ANCHOR_WATCH.firstPollMs);

  return {
    get registered() {
      return registered;
    },
    get latest() {
      return latest;
    },
    get history() {
      return [...history];
    },
    get appHash() {
      return appHash;
    },
    get revoked() {
      return [...revoked];
    },
    get admins() {
      return [...admins];
    },
    get status(): AnchorStatus {
      if (!registered) return 'unregistered';
      if (!latest) return 'unanchored';
      // Re-judged on read when history arrived since (or the withheld bound may have passed).
      const version = d.version?.();
      if (version === undefined || version !== judgedAt || comparison?.status === 'awaiting-history') {
        compare();
        judgedAt = version;
      }
      return comparison!.status;
    },
    get statusMessage() {
      return comparison && 'message' in comparison ? comparison.message : undefined;
    },
    get lastBlock() {
      return lastBlock;
    },
    get scannedTo() {
      return fromBlock - 1n;
    },
    get checkedAt() {
      return checkedAt;
    },
    get error() {
      return error;
    },
    poke() {
      delay = base;
      eager = ANCHOR_WATCH.eagerPolls;
      if (running) again = true;
      else scheduleNext(0);
    },
    stop() {
      stopped = true;
    },
  };
}

const labels: Record<'withheld' | 'mismatch' | 'fork', string> = {
  withheld: 'Withheld history: this node does not have the governance head anchored on chain',
  mismatch: 'Membership mismatch: the member set here differs from the one anchored on chain',
  fork: "Fork: this node's rules refuse the governance head anchored on chain",
};

