import type { AnchorBinding, AnchorChain, AnchorRecord, AnchorWriter, Hash32 } from '../../core/anchor/AnchorChain.ts';
import { anchorDue, DEFAULT_ANCHOR_POLICY, type AnchorPolicy } from '../../core/anchor/policy.ts';
import { hash32Bytes, toHash32 } from '../../core/anchor/hash32.ts';
import { anchorRecordHash } from '../../core/anchor/recordHash.ts';
import { fromHex, toHex } from '../../core/crypto/index.ts';
import { parseRootId } from '../../core/identity/index.ts';
import type { Scheduler } from '../../core/mesh/Scheduler.ts';
import type { AnchorClaim, RunningContext } from '../contexts/openContext.ts';
import { anchorTransactions } from './transactions.ts';
import type { AnchorsView, AnchorTxView } from './view.ts';
import { watchAnchors, type AnchorWatch, type AnchorWatchTimings } from './watch.ts';
import type { AnchorLocalView } from '../../core/anchor/compare.ts';

/** How this node reaches a binding's chain, or why it cannot. */
export type ChainAccess = { chain: AnchorChain; confirmations: number } | { problem: 'no-rpc' | 'other-chain' | 'unreachable'; message: string };

export interface ContextAnchorsDeps {
  ctx: RunningContext;
  chainFor(binding: AnchorBinding): Promise<ChainAccess>;
  scheduler: Scheduler;
  now(): number;
  onChange(): void;
  policy(): Promise<AnchorPolicy>;
  /** The wallet that anchors when the policy says so (an admin's, connected in this tab). */
  autoWriter(binding: AnchorBinding): Promise<AnchorWriter | undefined>;
  timings?: AnchorWatchTimings;
}

/** Distinct peer-anchor alerts remembered (so a repeating checkpoint alerts once). */
const MAX_PEER_ALERTS = 100;

const ZERO: Hash32 = `0x${'0'.repeat(64)}`;

/**
 * One anchored context on this node: reads and checks its registry records (watch.ts),
 * imports chain revocations, holds the app to the anchored hash, and makes the anchors the
 * policy asks for through a wallet.
 */
export function contextAnchors(d: ContextAnchorsDeps) {
  const { ctx } = d;
  let binding: AnchorBinding | undefined;
  let access: ChainAccess | undefined;
  let watch: AnchorWatch | undefined;
  let txs: ReturnType<typeof anchorTransactions> | undefined;
  let policy: AnchorPolicy = DEFAULT_ANCHOR_POLICY;
  let starting: Promise<void> | undefined;
  let closed = false;
  /** Governance head and op count at the last anchor this node saw confirmed. */
  let anchoredHead: string | undefined;
  let anchoredOps = 0;
  let anchoredAt = d.now();
  let autoAnchoring = false;
  let failedAutoHead: string | undefined;
  let lastSeenHead: string | undefined;
  let lastSeenOutside: number | undefined;
  const peerAlerts = new Set<string>();

  const context = `0x${ctx.replica.contextKey}` as Hash32;

  const local: AnchorLocalView = {
    has: (key) => ctx.replica.hasOp(key),
    isValid: (key) => ctx.replica.isValidOp(key),
    memberRootAt: (key) => ctx.replica.memberRootAt(key),
    latestGovernanceKey: () => ctx.replica.latestGovernanceKey(),
    governanceOutside: (key) => ctx.replica.governanceOutside(key),
  };

  function ensure(): Promise<void> | undefined {
    if (starting || closed) return starting;
    binding = ctx.replica.governance().anchor;
    if (!binding) return undefined;
    starting = (async () => {
      policy = await d.policy();
      access = await d.chainFor(binding!);
      if (closed || !('chain' in access)) return d.onChange();
      const { chain, confirmations } = access;
      txs = anchorTransactions({ context, chain, owner: binding!.owner, confirmations, now: d.now, onChange: d.onChange });
      watch = watchAnchors({
        context,
        binding: binding!,
        chain,
        confirmations,
        local,
        version: () => ctx.replica.changes(),
        scheduler: d.scheduler,
        ...(d.timings ? { timings: d.timings } : {}),
        alert: (kind, message) => ctx.raiseAlert(kind, message),
        onChange: () => {
          noteConfirmedAnchor();
          d.onChange();
          void maybeAutoAnchor();
        },
        async onRevoked(e) {
          const key = e.clientKey.slice(2).toLowerCase();
          const g = ctx.replica.governance();
          if (!g.members.has(ctx.signingRoot) || g.revokedKeys.has(key) || ctx.view().joining) return;
          await ctx.importChainRevocation(e);
        },
        onAppHash(hash) {
          const appId = toHex(ctx.replica.governance().appId);
          if (hash === ZERO || hash.slice(2).toLowerCase() === appId) ctx.refuseApp(undefined);
          else ctx.refuseApp(`its app ${appId.slice(0, 12)}… is not the one anchored on chain (${hash.slice(0, 14)}…): refusing to run it`);
        },
      });
      ctx.attachAnchors({ claim, peerClaim });
      d.onChange();
    })();
    return starting;
  }

  /** What this node's checkpoints say it has confirmed on chain. */
  function claim(): AnchorClaim | undefined {
    const latest = watch?.latest;
    if (!latest) return undefined;
    return { seq: Number(latest.seq), recordHash: hash32Bytes(anchorRecordHash(latest.record)), blockNumber: Number(latest.blockNumber), txHash: hash32Bytes(latest.txHash) };
  }

  /**
   * A member's checkpoint names its latest anchor. Same seq, another record: the two nodes
   * read different chains (a fork, or a lying RPC). A later anchor in a block this node has
   * already read, but that it did not see: the same, one way or the other.
   */
  function peerClaim(peer: AnchorClaim, label: string): void {
    if (!watch) return;
    const latest = watch.latest;
    const theirs = `anchor #${peer.seq} (block ${peer.blockNumber}, tx 0x${toHex(peer.txHash)})`;
    let problem: string | undefined;
    if (latest && BigInt(latest.seq) === BigInt(peer.seq) && anchorRecordHash(latest.record) !== toHash32(peer.recordHash)) {
      problem = `${label} sees ${theirs} with another record than this node's anchor #${latest.seq} (block ${latest.blockNumber}, tx ${latest.txHash}): the two nodes read different chains, or an RPC lies`;
    } else if ((!latest || BigInt(latest.seq) < BigInt(peer.seq)) && watch.scannedTo >= BigInt(peer.blockNumber)) {
      problem = `${label} sees ${theirs}, which this node's chain does not show although it has read that block: the two nodes read different chains, or an RPC lies`;
    }
    if (!problem) return;
    const id = `${label}/${peer.seq}`;
    if (peerAlerts.has(id)) return;
    if (peerAlerts.size >= MAX_PEER_ALERTS) peerAlerts.delete(peerAlerts.values().next().value!);
    peerAlerts.add(id);
    ctx.raiseAlert('anchor', `Different anchors: ${problem}`);
  }

  function noteConfirmedAnchor(): void {
    const head = watch?.latest?.record.govHead.slice(2);
    if (head && head !== anchoredHead) {
      anchoredHead = head;
      anchoredOps = ctx.replica.historySize();
      anchoredAt = d.now();
    }
  }

  function dueReason(): string | undefined {
    if (!watch?.registered) return undefined;
    // Changed: a valid governance op lies outside what the last anchor covers (a head missing
    // here is someone else's anchor still on its way: not ours to answer).
    const governanceChanged = anchoredHead ? (ctx.replica.governanceOutside(anchoredHead) ?? 0) > 0 : local.latestGovernanceKey() !== undefined;
    return anchorDue(policy, {
      governanceChanged,
      opsSinceAnchor: ctx.replica.historySize() - anchoredOps,
      msSinceAnchor: d.now() - anchoredAt,
    });
  }

  /**
   * The op an anchor names: one whose causal past holds every valid governance op here. The
   * latest governance op when nothing is concurrent with it; else a head that covers them
   * all; else (concurrent changes left several heads) an empty change that merges the heads,
   * published first. Without it, an anchor would leave a concurrent change out and the
   * context would stay "behind" for good.
   */
  async function headToAnchor(): Promise<string> {
    const covers = (key: string | undefined): key is string => key !== undefined && ctx.replica.governanceOutside(key) === 0;
    const latest = local.latestGovernanceKey();
    if (!latest) throw new Error('nothing to anchor yet: the context has no governance history here');
    if (covers(latest)) return latest;
    const head = ctx.replica.heads().find(covers);
    if (head) return head;
    const merged = await ctx.mergeHeads();
    if (!merged.valid || !covers(merged.key)) throw new Error(`could not merge the concurrent changes before anchoring: ${merged.message ?? 'the merge op is not valid'}`);
    return merged.key;
  }

  /** The record for an anchor at `head`: its member set and this node's state root. */
  function recordAt(head: string): AnchorRecord {
    return { govHead: `0x${head}`, memberRoot: local.memberRootAt(head)!, stateRoot: toHash32(fromHex(ctx.view().stateRoot)), epoch: 0n };
  }

  function ready(): { txs: NonNullable<typeof txs>; binding: AnchorBinding } {
    if (!binding) throw new Error('this context is not anchored to a chain (its genesis binds none)');
    if (!txs) throw new Error(access && !('chain' in access) ? access.message : 'the chain is not reachable yet');
    return { txs, binding };
  }

  async function maybeAutoAnchor(): Promise<void> {
    if (autoAnchoring || closed || !binding || !watch?.registered) return;
    const changes = adminChanges();
    if (!dueReason() && changes.length === 0) return;
    // One automatic attempt per state of governance: a declined or failed one is not re-asked
    // on every change (the panel shows it; "Anchor now" tries again).
    const state = `${local.latestGovernanceKey()}/${anchoredHead ? ctx.replica.governanceOutside(anchoredHead) : '-'}/${changes.length}`;
    if (!isAdmin() || state === failedAutoHead) return;
    const writer = await d.autoWriter(binding);
    if (!writer) return;
    autoAnchoring = true;
    try {
      // A role change is mirrored on chain first (by a wallet the chain already takes as admin).
      const synced = changes.length > 0 && watch.admins.includes(writer.from.toLowerCase()) ? await api.syncAdmins(writer) : undefined;
      const tx = dueReason() && synced?.state !== 'failed' ? await api.anchor(writer) : synced;
      failedAutoHead = tx?.state === 'failed' ? state : undefined;
    } finally {
      autoAnchoring = false;
    }
  }

  /** The addresses of the context's Ethereum-rooted owner and admins: who should anchor on chain. */
  function wantedAdmins(): Set<string> {
    const wanted = new Set<string>(binding ? [binding.owner.toLowerCase()] : []);
    for (const [root, m] of ctx.replica.governance().members) {
      if (m.role !== 'owner' && m.role !== 'admin') continue;
      const parsed = parseRootId(root);
      if (parsed.kind === 'ethereum') wanted.add(parsed.address.toLowerCase());
    }
    return wanted;
  }

  /** Admin changes that make the chain's admin set the context's (the owner always stays); recomputed only when either side changed. */
  let adminChangesCache: { key: string; changes: { admin: string; enabled: boolean }[] } | undefined;
  function adminChanges(): { admin: string; enabled: boolean }[] {
    if (!watch?.registered || !binding) return [];
    const key = `${ctx.replica.changes()}/${watch.admins.join()}`;
    if (adminChangesCache?.key !== key) adminChangesCache = { key, changes: computeAdminChanges(binding, watch) };
    return adminChangesCache.changes;
  }

  function computeAdminChanges(binding: AnchorBinding, watch: AnchorWatch): { admin: string; enabled: boolean }[] {
    const wanted = wantedAdmins();
    const onChain = new Set(watch.admins);
    const owner = binding.owner.toLowerCase();
    return [
      ...[...wanted].filter((a) => !onChain.has(a)).map((admin) => ({ admin, enabled: true })),
      ...[...onChain].filter((a) => a !== owner && !wanted.has(a)).map((admin) => ({ admin, enabled: false })),
    ];
  }

  const isAdmin = () => {
    const role = ctx.replica.governance().members.get(ctx.signingRoot)?.role;
    return role === 'owner' || role === 'admin';
  };

  const api = {
    ensure,
    /** The chain the genesis binds, once known. */
    binding: (): AnchorBinding | undefined => binding,
    /** Register the context on its chain: the owner's wallet, once. */
    register(writer: AnchorWriter): Promise<AnchorTxView> {
      const { txs } = ready();
      const appHash = `0x${toHex(ctx.replica.governance().appId)}` as Hash32;
      const owner = binding!.owner.toLowerCase();
      const admins = [...wantedAdmins()].filter((a) => a !== owner) as `0x${string}`[];
      return txs.run('register', writer, () => ({ kind: 'register', appHash, admins })).finally(() => watch?.poke());
    },
    /**
     * Make the chain's admins the context's Ethereum-rooted owner and admins, one `setAdmin`
     * each; the last transaction (or undefined when nothing differs).
     */
    async syncAdmins(writer: AnchorWriter): Promise<AnchorTxView | undefined> {
      const { txs } = ready();
      let last: AnchorTxView | undefined;
      for (const change of adminChanges()) {
        last = await txs.run('set-admin', writer, (expectedSeq) => ({ kind: 'set-admin', expectedSeq, admin: change.admin as `0x${string}`, enabled: change.enabled }));
        if (last.state !== 'confirmed') break;
      }
      watch?.poke();
      return last;
    },
    /** Anchor the current governance head, member set and state root. */
    async anchor(writer: AnchorWriter): Promise<AnchorTxView> {
      const { txs } = ready();
      const record = recordAt(await headToAnchor());
      return txs.run('anchor', writer, (expectedSeq) => ({ kind: 'anchor', expectedSeq, record })).finally(() => watch?.poke());
    },
    /** Revoke a client key on chain (terminal): every node with an RPC imports it. */
    revokeKey(writer: AnchorWriter, clientKeyHex: string): Promise<AnchorTxView> {
      const { txs } = ready();
      if (!/^[0-9a-f]{64}$/.test(clientKeyHex)) throw new Error(`"${clientKeyHex.slice(0, 80)}" is not a client key (64 hex digits)`);
      return txs.run('revoke-key', writer, () => ({ kind: 'revoke-key', clientKey: `0x${clientKeyHex}` })).finally(() => watch?.poke());
    },
    /** Something changed here: when it is governance, check the chain again soon (and anchor, if the policy says so). */
    changed(): void {
      if (!starting) void ensure();
      // Governance changed here: a new latest op, or one more op outside the last anchor (a
      // concurrent change merged in need not change the latest).
      const head = local.latestGovernanceKey();
      const outside = anchoredHead ? ctx.replica.governanceOutside(anchoredHead) : undefined;
      if (head === lastSeenHead && outside === lastSeenOutside) return;
      lastSeenHead = head;
      lastSeenOutside = outside;
      watch?.poke();
      void maybeAutoAnchor();
    },
    /** A wallet for automatic anchoring was just set: make the anchor the policy already wants. */
    walletSet(): void {
      void maybeAutoAnchor();
    },
    setPolicy(next: AnchorPolicy): void {
      policy = next;
      void maybeAutoAnchor();
      d.onChange();
    },
    view(): AnchorsView | undefined {
      void ensure();
      if (!binding) return undefined;
      const chainView: AnchorsView['chain'] =
        access && !('chain' in access) ? { state: access.problem, message: access.message }
        : watch?.error ? { state: 'unreachable', message: watch.error }
        : { state: 'reading', ...(watch?.lastBlock !== undefined ? { lastBlock: watch.lastBlock.toString() } : {}), ...(watch?.checkedAt ? { checkedAt: watch.checkedAt } : {}) };
      const appHash = watch?.appHash;
      const due = dueReason();
      return {
        binding,
        chain: chainView,
        registered: Boolean(watch?.registered),
        status: watch?.status ?? 'unregistered',
        ...(watch?.statusMessage ? { statusMessage: watch.statusMessage } : {}),
        ...(watch?.latest ? { latest: watch.latest } : {}),
        history: watch?.history ?? [],
        ...(appHash && appHash !== ZERO ? { appHash, appMatches: appHash.slice(2).toLowerCase() === toHex(ctx.replica.governance().appId) } : {}),
        revokedOnChain: watch?.revoked ?? [],
        chainAdmins: watch ? [binding.owner.toLowerCase(), ...watch.admins.filter((a) => a !== binding!.owner.toLowerCase())] : [],
        adminChanges: adminChanges(),
        txs: txs?.list() ?? [],
        policy,
        ...(due ? { due } : {}),
      };
    },
    close(): void {
      closed = true;
      watch?.stop();
      ctx.attachAnchors(undefined);
    },
  };
  return api;
}

export type ContextAnchors = ReturnType<typeof contextAnchors>;
