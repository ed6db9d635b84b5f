import type { AnchorBinding, AnchorWriter } from '../../core/anchor/AnchorChain.ts';
import type { WalletAccount } from '../../wallets/connector.ts';
import type { NodeSettings } from '../settings.ts';

/** A writer that has the wallet send each registry transaction (eth_sendTransaction). */
export async function walletAnchorWriter(_wallet: WalletAccount, _binding: AnchorBinding, _settings: NodeSettings): Promise<AnchorWriter> {
  throw new Error('wallet writer: waiting for the registry adapter');
}
