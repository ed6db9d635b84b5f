import type { AccountVerifier } from '../core/identity/index.ts';
import type { NodeSettings } from './settings.ts';

/**
 * Contract-account signatures checked through the RPCs set in Settings, read at each check
 * (so a newly set RPC applies at once). The RPC adapter and its chain libraries load only
 * when a contract account's proof actually needs one. With no RPC for the chain, the check
 * throws and the proof stays `unverifiable`, refused with this message.
 */
export function settingsAccountVerifier(settings: () => Promise<NodeSettings>): AccountVerifier {
  let cached: { key: string; verifier: AccountVerifier } | undefined;
  async function current(): Promise<AccountVerifier> {
    const { rpc } = await settings();
    const key = `${rpc.ethereum}\n${rpc.starknet}`;
    if (cached?.key !== key) {
      const { rpcAccountVerifier } = await import('../adapters/chain/rpcAccountVerifier.ts');
      cached = { key, verifier: rpcAccountVerifier({ ...(rpc.ethereum ? { ethereum: rpc.ethereum } : {}), ...(rpc.starknet ? { starknet: rpc.starknet } : {}) }) };
    }
    return cached.verifier;
  }
  return {
    async ethereum(args) {
      const check = (await current()).ethereum;
      if (!check) throw new Error('no Ethereum RPC is set: add one in Settings to check contract accounts (ERC-1271)');
      return check(args);
    },
    async starknet(args) {
      const check = (await current()).starknet;
      if (!check) throw new Error('no Starknet RPC is set: add one in Settings to check this account (is_valid_signature)');
      return check(args);
    },
  };
}
