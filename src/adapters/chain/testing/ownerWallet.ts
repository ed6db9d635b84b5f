import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createPublicClient, createWalletClient, http, type Abi, type Address, type Hex } from 'viem';
import { hardhat } from 'viem/chains';

/*
 * The ERC-1271 test wallet (`OwnerWallet.sol`): compiled offline with the `solc` npm package
 * (standard JSON; never `hardhat compile`, which downloads compilers) and deployed with viem
 * from one of the node's funded, unlocked accounts.
 */

const SOURCE = 'OwnerWallet.sol';
const CONTRACT = 'OwnerWallet';

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

/** solc refused the source. */
export class SolidityCompileError extends Error {
  override readonly name = 'SolidityCompileError';
}

let compiled: { abi: Abi; bytecode: Hex } | undefined;

/** `OwnerWallet`'s ABI and creation bytecode (compiled once per process: loading solc takes a while). */
export function compileOwnerWallet(): { abi: Abi; bytecode: Hex } {
  if (compiled) return compiled;
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const input = {
    language: 'Solidity',
    sources: { [SOURCE]: { content: readFileSync(new URL(`./${SOURCE}`, import.meta.url), 'utf8') } },
    settings: {
      // An EVM every Hardhat 2 release runs, whatever solc's default is.
      evmVersion: 'cancun',
      optimizer: { enabled: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new SolidityCompileError(errors.map((e) => e.formattedMessage).join('\n'));
  const contract = output.contracts?.[SOURCE]?.[CONTRACT];
  if (!contract) throw new SolidityCompileError(`solc produced no ${CONTRACT}`);
  compiled = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  return compiled;
}

/** Deploy an `OwnerWallet` for `owner` on the node at `url`, paid by the node's first account; its address. */
export async function deployOwnerWallet(url: string, owner: Address): Promise<Address> {
  const { abi, bytecode } = compileOwnerWallet();
  const transport = http(url);
  const client = createPublicClient({ chain: hardhat, transport });
  const [deployer] = await createWalletClient({ chain: hardhat, transport }).getAddresses();
  if (!deployer) throw new Error(`the node at ${url} has no unlocked account to deploy from`);
  const wallet = createWalletClient({ chain: hardhat, transport, account: deployer });
  const hash = await wallet.deployContract({ abi, bytecode, args: [owner] });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploying ${CONTRACT} failed (${receipt.status})`);
  return receipt.contractAddress;
}
