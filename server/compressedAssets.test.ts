import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compressedAssets } from './compressedAssets.ts';

const dir = mkdtempSync(join(tmpdir(), 'tabnode-compressed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('compressedAssets', () => {
  it('compresses a file version once: repeated and concurrent requests share the result', async () => {
    const assets = compressedAssets();
    const path = file('a.js', 'let a = 1;\n'.repeat(500));
    const stats = statSync(path);
    const [first, concurrent] = await Promise.all([assets.get(path, stats, 'br'), assets.get(path, stats, 'br')]);
    expect(first).toBeInstanceOf(Buffer);
    expect(concurrent).toBe(first);
    expect(await assets.get(path, stats, 'br')).toBe(first);
    expect(brotliDecompressSync(first!).toString()).toBe('let a = 1;\n'.repeat(500));
    expect(assets.heldBytes()).toBe(first!.length);
  });

  it('compresses a rebuilt file again', async () => {
    const assets = compressedAssets();
    const path = file('b.js', 'old();\n'.repeat(500));
    const before = await assets.get(path, statSync(path), 'gzip');
    writeFileSync(path, 'new();\n'.repeat(600));
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const after = await assets.get(path, statSync(path), 'gzip');
    expect(after).not.toBe(before);
  });

  it('keeps at most maxCacheBytes, dropping the least recently used, and skips files over maxFileBytes', async () => {
    const assets = compressedAssets({ maxCacheBytes: 1500, maxFileBytes: 10_000 });
    // Hex text halves under compression: about 500 bytes held per file.
    const paths = ['c1', 'c2', 'c3', 'c4'].map((n) => file(`${n}.js`, randomBytes(500).toString('hex')));
    const kept: (Buffer | undefined)[] = [];
    for (const path of paths) kept.push(await assets.get(path, statSync(path), 'br'));
    expect(assets.heldBytes()).toBeGreaterThan(1000);
    expect(assets.heldBytes()).toBeLessThanOrEqual(1500);
    expect(await assets.get(paths[3]!, statSync(paths[3]!), 'br')).toBe(kept[3]);
    expect(await assets.get(paths[0]!, statSync(paths[0]!), 'br')).not.toBe(kept[0]);
    const big = file('big.js', 'x'.repeat(10_001));
    expect(await assets.get(big, statSync(big), 'br')).toBeUndefined();
  });
});
