import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REGISTRY_ARTIFACT, committedInputHash, compileRegistryArtifact, registryInputHash } from '../../../../scripts/build-contracts.mjs';

describe('registry artifact', () => {
  it('is what a fresh compile of contracts/TabnodeRegistry.sol gives (run `node scripts/build-contracts.mjs` if not)', () => {
    expect(committedInputHash()).toBe(registryInputHash());
    expect(readFileSync(REGISTRY_ARTIFACT, 'utf8')).toBe(compileRegistryArtifact());
  }, 60_000);
});
