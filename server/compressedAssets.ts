// Compressed copies of served files, made once per file version and kept in memory, so a
// request never pays for compression after the first one (and concurrent first requests
// share one compression).
import { readFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Encoding } from './contentEncoding.ts';

export interface CompressionLimits {
  /** Larger files are served uncompressed (compressing them would hold this much in memory). */
  maxFileBytes: number;
  /** Total size of the compressed copies kept; the least recently used go first. */
  maxCacheBytes: number;
}

const DEFAULT_COMPRESSION_LIMITS: CompressionLimits = {
  maxFileBytes: 16 * 1024 * 1024,
  maxCacheBytes: 64 * 1024 * 1024,
};

/** A compressed copy must save at least this share of the bytes to be worth a decode. */
const MIN_SAVING = 0.1;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Maximum effort: the result is cached, so it is paid once per file version. */
function compress(bytes: Buffer, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br' ?
      brotli(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    : gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION });
}

export interface CompressedAssets {
  /** The file compressed with `encoding`, or undefined when it is better served as is. */
  get(path: string, stats: Stats, encoding: Encoding): Promise<Buffer | undefined>;
  /** Bytes held now, for tests and monitoring. */
  heldBytes(): number;
}

export function compressedAssets(limits: CompressionLimits = DEFAULT_COMPRESSION_LIMITS): CompressedAssets {
  // Insertion order is recency order: a hit is moved to the end, eviction takes the front.
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const sizes = new Map<string, number>();
  let held = 0;

  const evictUntilWithin = (): void => {
    for (const key of cache.keys()) {
      if (held <= limits.maxCacheBytes) return;
      const size = sizes.get(key);
      if (size === undefined) continue; // still compressing
      cache.delete(key);
      sizes.delete(key);
      held -= size;
    }
  };

  return {
    get(path, stats, encoding) {
      if (stats.size > limits.maxFileBytes) return Promise.resolve(undefined);
      // The version is part of the key: a rebuilt file is compressed again, the old copy ages out.
      const key = `${encoding}\0${stats.size}\0${stats.mtimeMs}\0${path}`;
      const known = cache.get(key);
      if (known) {
        cache.delete(key);
        cache.set(key, known);
        return known;
      }
      const made = readFile(path)
        .then((bytes) => compress(bytes, encoding).then((packed) => ({ bytes, packed })))
        .then(({ bytes, packed }) => (packed.length <= bytes.length * (1 - MIN_SAVING) ? packed : undefined));
      cache.set(key, made);
      made.then(
        (packed) => {
          if (cache.get(key) !== made) return;
          const size = packed?.length ?? 0;
          if (size > limits.maxCacheBytes) {
            cache.delete(key);
            return;
          }
          sizes.set(key, size);
          held += size;
          evictUntilWithin();
        },
        // A failed read (file gone) is not remembered: the next request tries again.
        () => cache.delete(key),
      );
      return made;
    },
    heldBytes: () => held,
  };
}
