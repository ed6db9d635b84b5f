// Gas of the registry's mutations for `npm run bench` (and alone: `node --import tsx bench/chainGas.ts`):
// on a fresh Hardhat node (chain 31337) with TabnodeRegistry deployed, each mutation's
// gasUsed (the whole transaction, 21,000 base included) beside a plain ETH transfer's
// measured in the same run, as a ratio. Gas is deterministic for given inputs, so one
// transaction per row; calldata bytes are random (as real hashes are), so a few gas of
// variation between runs come from zero bytes in calldata.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Address, AnchorWriter, Hash32, RegistryMutation } from '../src/core/anchor/AnchorChain.ts';
import { eip1193AnchorWriter } from '../src/adapters/chain/registry/eip1193AnchorWriter.ts';
import { relayedAnchorWriter } from '../src/adapters/chain/registry/relayedAnchorWriter.ts';
import { startRegistryNode } from '../src/adapters/chain/registry/testkit.ts';
import { typedDataJson } from '../src/adapters/chain/registry/typedData.ts';
import { grid } from './table.ts';

export const CHAIN = {
  /** The goal for one anchor transaction, gas. */
  anchorGoalGas: 50_000,
} as const;

export interface Gassed {
  measure: string;
  gas: bigint;
  baseline: string;
  baselineGas: bigint;
  goalGas?: number;
}

export interface ChainGasReport {
  rows: Gassed[];
  notes: string[];
}

const hash = (): Hash32 => `0x${randomBytes(32).toString('hex')}`;
const record = () => ({ govHead: hash(), memberRoot: hash(), stateRoot: hash(), epoch: 1n });

export async function chainGasFigures(): Promise<ChainGasReport> {
  const n = await startRegistryNode();
  try {
    const chain = { rpcUrl: n.url, chainId: n.chainId, registry: n.registry };
    const [ownerAddress, adminAddress, strangerAddress, payer, signerAddress] = [n.accounts[0]!, n.accounts[1]!, n.accounts[2]!, n.accounts[3]!, n.accounts[4]!];
    const direct = (from: Address) => eip1193AnchorWriter({ request: n.request, from, chain });
    const relayed = (signer: Address): AnchorWriter =>
      relayedAnchorWriter({
        signer,
        relayer: { request: n.request, from: payer },
        chain,
        signTypedData: async (td) => (await n.request({ method: 'eth_signTypedData_v4', params: [signer, typedDataJson(td)] })) as `0x${string}`,
      });
    const gas = async (w: AnchorWriter, context: Hash32, owner: Address, m: RegistryMutation) => {
      const confirmed = await w.wait(await w.submit(context, owner, m));
      if (!confirmed.success) throw new Error(`${m.kind} reverted`);
      return confirmed.gasUsed;
    };

    // The baseline: a plain ETH transfer between two of the node's accounts, in this run.
    const transferHash = (await n.request({ method: 'eth_sendTransaction', params: [{ from: ownerAddress, to: adminAddress, value: '0x1' }] })) as Hash32;
    const baselineGas = (await direct(ownerAddress).wait({ txHash: transferHash })).gasUsed;

    const owner = direct(ownerAddress);
    const admin = direct(adminAddress);
    const context = hash();
    const rows: [string, bigint, number?][] = [];
    rows.push(['register (owner, 1 admin)', await gas(owner, context, ownerAddress, { kind: 'register', appHash: hash(), admins: [adminAddress] })]);
    rows.push(['register (owner, no admins)', await gas(owner, hash(), ownerAddress, { kind: 'register', appHash: hash(), admins: [] })]);
    rows.push(['anchor, the first (owner)', await gas(owner, context, ownerAddress, { kind: 'anchor', expectedSeq: 1n, record: record() }), CHAIN.anchorGoalGas]);
    rows.push(['anchor (owner)', await gas(owner, context, ownerAddress, { kind: 'anchor', expectedSeq: 2n, record: record() }), CHAIN.anchorGoalGas]);
    rows.push(['anchor (another admin)', await gas(admin, context, ownerAddress, { kind: 'anchor', expectedSeq: 3n, record: record() }), CHAIN.anchorGoalGas]);
    rows.push(['setAdmin (add)', await gas(owner, context, ownerAddress, { kind: 'set-admin', expectedSeq: 4n, admin: signerAddress, enabled: true })]);
    rows.push(['setApp', await gas(owner, context, ownerAddress, { kind: 'set-app', expectedSeq: 5n, appHash: hash() })]);
    rows.push(['revokeKey (admin)', await gas(admin, context, ownerAddress, { kind: 'revoke-key', clientKey: hash() })]);
    rows.push(['revokeKey (self-claim, non-admin)', await gas(direct(strangerAddress), context, ownerAddress, { kind: 'revoke-key', clientKey: hash() })]);
    rows.push(['anchor, relayed (EIP-712 by an EOA admin)', await gas(relayed(signerAddress), context, ownerAddress, { kind: 'anchor', expectedSeq: 6n, record: record() })]);
    rows.push(['revokeKey, relayed (EOA admin)', await gas(relayed(signerAddress), context, ownerAddress, { kind: 'revoke-key', clientKey: hash() })]);

    const anchorRows = rows.filter(([, , goal]) => goal !== undefined);
    const worstAnchor = anchorRows.reduce((m, [, g]) => (g > m ? g : m), 0n);
    return {
      rows: [
        { measure: 'deploy TabnodeRegistry', gas: n.deployGas, baseline: 'ETH transfer', baselineGas },
        ...rows.map(([measure, g, goalGas]) => ({ measure, gas: g, baseline: 'ETH transfer', baselineGas, ...(goalGas === undefined ? {} : { goalGas }) })),
      ],
      notes: [
        `anchor ≤ ${CHAIN.anchorGoalGas.toLocaleString('en-US')} gas: ${worstAnchor <= BigInt(CHAIN.anchorGoalGas) ? 'met' : 'not met'} (worst direct anchor ${worstAnchor.toLocaleString('en-US')})`,
        'gas is for the whole transaction (21,000 base and calldata included), on Hardhat 2 (cancun rules); an L2 adds its own L1 data fee',
      ],
    };
  } finally {
    await n.stop();
  }
}

/** Gas beside its baseline's, with the ratio gas / baseline gas. */
export function renderGas(rows: Gassed[]): string {
  const header = ['measure', 'gas', 'baseline', 'baseline gas', 'ratio', 'goal'];
  const body = rows.map((r) => [
    r.measure,
    r.gas.toLocaleString('en-US'),
    r.baseline,
    r.baselineGas.toLocaleString('en-US'),
    `${(Number(r.gas) / Number(r.baselineGas)).toFixed(2)}x`,
    r.goalGas === undefined ? '' : `≤ ${r.goalGas.toLocaleString('en-US')}: ${r.gas <= BigInt(r.goalGas) ? 'met' : 'not met'}`,
  ]);
  return grid(header, body);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await chainGasFigures();
  console.log(renderGas(report.rows));
  for (const note of report.notes) console.log(`- ${note}`);
}
