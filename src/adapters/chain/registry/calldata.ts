import type { Address, Hash32, RegistryMutation } from '../../../core/anchor/AnchorChain.ts';

/*
 * Calldata for the registry's mutations, sent as the caller's own transaction or relayed with
 * a signature. viem and the ABI are imported here, when a change is made, so neither weighs
 * on the first load.
 */

type Hex = `0x${string}`;

/** `register` / `anchor` / … called by the signer itself (msg.sender is the authority). */
export async function encodeMutation(context: Hash32, owner: Address, m: RegistryMutation): Promise<Hex> {
  const [{ encodeFunctionData }, { registryAbi: abi }] = await Promise.all([import('viem'), import('./artifact.ts')]);
  switch (m.kind) {
    case 'register':
      return encodeFunctionData({ abi, functionName: 'register', args: [context, owner, m.appHash, m.admins] });
    case 'anchor': {
      const r = m.record;
      return encodeFunctionData({ abi, functionName: 'anchor', args: [context, owner, m.expectedSeq, r.govHead, r.memberRoot, r.stateRoot, r.epoch] });
    }
    case 'set-admin':
      return encodeFunctionData({ abi, functionName: 'setAdmin', args: [context, owner, m.expectedSeq, m.admin, m.enabled] });
    case 'set-app':
      return encodeFunctionData({ abi, functionName: 'setApp', args: [context, owner, m.expectedSeq, m.appHash] });
    case 'revoke-key':
      return encodeFunctionData({ abi, functionName: 'revokeKey', args: [context, owner, m.clientKey] });
  }
}

/** The `…BySig` variant: anyone sends it; `signer`'s EIP-712 signature is the authority. */
export async function encodeRelayed(context: Hash32, owner: Address, m: RegistryMutation, signer: Address, deadline: bigint, signature: Hex): Promise<Hex> {
  const [{ encodeFunctionData }, { registryAbi: abi }] = await Promise.all([import('viem'), import('./artifact.ts')]);
  const tail = [signer, deadline, signature] as const;
  switch (m.kind) {
    case 'register':
      return encodeFunctionData({ abi, functionName: 'registerBySig', args: [context, owner, m.appHash, m.admins, ...tail] });
    case 'anchor': {
      const r = m.record;
      return encodeFunctionData({
        abi,
        functionName: 'anchorBySig',
        args: [context, owner, m.expectedSeq, r.govHead, r.memberRoot, r.stateRoot, r.epoch, ...tail],
      });
    }
    case 'set-admin':
      return encodeFunctionData({ abi, functionName: 'setAdminBySig', args: [context, owner, m.expectedSeq, m.admin, m.enabled, ...tail] });
    case 'set-app':
      return encodeFunctionData({ abi, functionName: 'setAppBySig', args: [context, owner, m.expectedSeq, m.appHash, ...tail] });
    case 'revoke-key':
      return encodeFunctionData({ abi, functionName: 'revokeKeyBySig', args: [context, owner, m.clientKey, ...tail] });
  }
}

/** A revert's data decoded against the registry's custom errors; undefined when it is not one of them. */
export async function decodeRegistryError(data: Hex): Promise<{ errorName: string; args: readonly unknown[] } | undefined> {
  const [{ decodeErrorResult }, { registryAbi: abi }] = await Promise.all([import('viem'), import('./artifact.ts')]);
  try {
    const decoded = decodeErrorResult({ abi, data });
    return { errorName: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return undefined;
  }
}
