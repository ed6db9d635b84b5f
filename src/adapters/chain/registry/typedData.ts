import type { Address, Hash32, RegistryMutation } from '../../../core/anchor/AnchorChain.ts';

/*
 * The EIP-712 typed data an admin signs so a relayer can submit a mutation for it (the
 * registry's `…BySig` functions check it). Shaped for `eth_signTypedData_v4`: the types list
 * EIP712Domain too. Pure: no viem.
 */

export const REGISTRY_DOMAIN_NAME = 'TabnodeRegistry';
export const REGISTRY_DOMAIN_VERSION = '1';

const DOMAIN_FIELDS = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
] as const;

/** Field lists, in the order the contract's typehashes name them. */
export const REGISTRY_TYPES = {
  Register: [
    { name: 'contextId', type: 'bytes32' },
    { name: 'owner', type: 'address' },
    { name: 'appHash', type: 'bytes32' },
    { name: 'admins', type: 'address[]' },
    { name: 'deadline', type: 'uint256' },
  ],
  Anchor: [
    { name: 'contextId', type: 'bytes32' },
    { name: 'owner', type: 'address' },
    { name: 'expectedSeq', type: 'uint64' },
    { name: 'govHead', type: 'bytes32' },
    { name: 'memberRoot', type: 'bytes32' },
    { name: 'stateRoot', type: 'bytes32' },
    { name: 'epoch', type: 'uint64' },
    { name: 'deadline', type: 'uint256' },
  ],
  SetAdmin: [
    { name: 'contextId', type: 'bytes32' },
    { name: 'owner', type: 'address' },
    { name: 'expectedSeq', type: 'uint64' },
    { name: 'admin', type: 'address' },
    { name: 'enabled', type: 'bool' },
    { name: 'deadline', type: 'uint256' },
  ],
  SetApp: [
    { name: 'contextId', type: 'bytes32' },
    { name: 'owner', type: 'address' },
    { name: 'expectedSeq', type: 'uint64' },
    { name: 'appHash', type: 'bytes32' },
    { name: 'deadline', type: 'uint256' },
  ],
  RevokeKey: [
    { name: 'contextId', type: 'bytes32' },
    { name: 'owner', type: 'address' },
    { name: 'clientKey', type: 'bytes32' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

export type RegistryPrimaryType = keyof typeof REGISTRY_TYPES;

export interface RegistryTypedData {
  domain: { name: string; version: string; chainId: number; verifyingContract: Address };
  types: { EIP712Domain: typeof DOMAIN_FIELDS } & { [K in RegistryPrimaryType]?: (typeof REGISTRY_TYPES)[K] };
  primaryType: RegistryPrimaryType;
  message: Record<string, Hash32 | Address | Address[] | bigint | boolean>;
}

const PRIMARY: Record<RegistryMutation['kind'], RegistryPrimaryType> = {
  register: 'Register',
  anchor: 'Anchor',
  'set-admin': 'SetAdmin',
  'set-app': 'SetApp',
  'revoke-key': 'RevokeKey',
};

/** What `signer` signs for `mutation` of (context, owner) on the registry at `registry` on `chainId`, valid until `deadline` (unix seconds). */
export function registryTypedData(args: {
  chainId: number;
  registry: Address;
  context: Hash32;
  owner: Address;
  mutation: RegistryMutation;
  deadline: bigint;
}): RegistryTypedData {
  const { context: contextId, owner, mutation: m, deadline } = args;
  const primaryType = PRIMARY[m.kind];
  const message = ((): RegistryTypedData['message'] => {
    switch (m.kind) {
      case 'register':
        return { contextId, owner, appHash: m.appHash, admins: m.admins, deadline };
      case 'anchor':
        return { contextId, owner, expectedSeq: m.expectedSeq, ...m.record, deadline };
      case 'set-admin':
        return { contextId, owner, expectedSeq: m.expectedSeq, admin: m.admin, enabled: m.enabled, deadline };
      case 'set-app':
        return { contextId, owner, expectedSeq: m.expectedSeq, appHash: m.appHash, deadline };
      case 'revoke-key':
        return { contextId, owner, clientKey: m.clientKey, deadline };
    }
  })();
  return {
    domain: { name: REGISTRY_DOMAIN_NAME, version: REGISTRY_DOMAIN_VERSION, chainId: args.chainId, verifyingContract: args.registry },
    types: { EIP712Domain: DOMAIN_FIELDS, [primaryType]: REGISTRY_TYPES[primaryType] },
    primaryType,
    message,
  };
}

/** The JSON string `eth_signTypedData_v4` takes (integers as decimal strings: JSON has no bigint). */
export function typedDataJson(typedData: RegistryTypedData): string {
  return JSON.stringify(typedData, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString(10) : value));
}
