import { describe, expect, it } from 'vitest';
import { isCompressible, negotiateEncoding } from './contentEncoding.ts';

describe('negotiateEncoding', () => {
  it('prefers brotli when the client takes both equally', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('br;q=1.0, gzip;q=1.0')).toBe('br');
  });

  it('honours weights and refusals', () => {
    expect(negotiateEncoding('br;q=0.5, gzip')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0.1')).toBe('gzip');
    expect(negotiateEncoding('gzip;q=0, br;q=0')).toBeUndefined();
    expect(negotiateEncoding('*;q=0.3, br;q=0')).toBe('gzip');
    expect(negotiateEncoding('*')).toBe('br');
  });

  it('answers identity to no header, identity only, nonsense, or an oversized header', () => {
    expect(negotiateEncoding(undefined)).toBeUndefined();
    expect(negotiateEncoding('')).toBeUndefined();
    expect(negotiateEncoding('identity')).toBeUndefined();
    expect(negotiateEncoding('br;q=banana')).toBeUndefined();
    expect(negotiateEncoding(`${'x,'.repeat(1000)}br`)).toBeUndefined();
  });
});

describe('isCompressible', () => {
  it('compresses text, JSON, SVG and WebAssembly, not images or fonts', () => {
    for (const type of ['text/html; charset=utf-8', 'text/javascript; charset=utf-8', 'text/css', 'application/json', 'image/svg+xml', 'application/wasm']) {
      expect(isCompressible(type), type).toBe(true);
    }
    for (const type of ['image/png', 'font/woff2', 'application/octet-stream']) expect(isCompressible(type), type).toBe(false);
  });
});
