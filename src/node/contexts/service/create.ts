import { fromHex } from '../../../core/crypto/index.ts';
import type { AnchorBinding } from '../../../core/anchor/AnchorChain.ts';
import { anchorFieldOf } from '../../../core/anchor/binding.ts';
import { GENESIS_CONTEXT, idKey, signOp } from '../../../core/ops/op.ts';
import { KV_APP_ID } from '../../apps/kvApp.ts';
import { genesisEpochFields } from '../../../core/epochs/boxes.ts';
import { loadBodyCipher } from '../../../core/epochs/seal.ts';
import { deviceBoxKey } from '../../boxKey.ts';
import { defaultOrigins, siteOrigin } from '../origins.ts';
import type { ContextServiceDeps } from './deps.ts';
import type { ContextRegistry } from './registry.ts';

export interface CreateOptions {
  app?: string;
  verifiable?: boolean;
  origins?: string[];
  anchor?: AnchorBinding;
}

/**
 * A new context with this identity as its owner. `app` is the app id (hex SHA-256 of a
 * stored WASM binary) or omitted for the built-in key/value app. `origins`: the sites
 * members may sign in from with a wallet (default: this app's origin). Returns the
 * context id.
 */
export async function createContext(d: ContextServiceDeps, registry: ContextRegistry, changed: () => void, name: string, options: CreateOptions = {}): Promise<string> {
  const title = name.trim();
  if (!title) throw new Error('a context needs a name');
  const origins = options.origins?.map(siteOrigin) ?? defaultOrigins(d.origin);
  const identity = await d.identity.signing();
  // Epoch 0's key, sealed to this device's box key: every context made here is encrypted.
  const nonce = d.randomBytes(16);
  const epochKey = d.randomBytes(32);
  const epoch = await genesisEpochFields((await deviceBoxKey(d.store)).publicKey, epochKey, nonce);
  const genesis = await signOp(identity.signer, {
    context: GENESIS_CONTEXT,
    parents: [],
    time: d.now(),
    body: {
      kind: 'genesis',
      name: title.slice(0, 100),
      appId: options.app ? fromHex(options.app) : KV_APP_ID,
      verifiable: options.verifiable ?? false,
      nonce,
      delegation: identity.delegation,
      origins,
      anchor: options.anchor && anchorFieldOf(options.anchor),
      ...epoch,
    },
  });
  const id = idKey(genesis.id);
  await d.store.putContext({ id, name: title, secret: d.randomBytes(32), signaling: [], createdAt: d.now() });
  const ctx = await registry.start(id);
  // Held from the start (its box opens a moment later): the creator writes and invites at once.
  await loadBodyCipher();
  ctx.replica.learnKeys([{ keyOp: id, key: epochKey }]);
  await ctx.sync.publish([genesis]);
  await ctx.catchUpRevocations();
  changed();
  return id;
}
