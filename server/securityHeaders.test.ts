import { describe, expect, it } from 'vitest';
import { connectSourceOf, connectSources, ConnectSrcError, contentSecurityPolicy, securityHeaders } from './securityHeaders.ts';

/** The policy as a map of directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('the Content-Security-Policy', () => {
  const policy = directives(contentSecurityPolicy(connectSources()));

  it('allows only same-origin scripts, and WebAssembly compilation, never eval or inline code', () => {
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('worker-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
  });

  it('forbids framing the app, plugins and base-URL rewrites', () => {
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('shows data: wallet icons, and frames only WalletConnect Verify', () => {
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('frame-src')).toEqual(['https://verify.walletconnect.org', 'https://verify.walletconnect.com']);
  });

  it("connects to its own origin and WalletConnect's default relay, plus the operator's servers", () => {
    expect(policy.get('connect-src')).toEqual(["'self'", 'wss://relay.walletconnect.org']);
    const wider = directives(contentSecurityPolicy(connectSources(['wss://signal.example.org/signal', 'http://127.0.0.1:8545', 'https:'])));
    expect(wider.get('connect-src')).toEqual(["'self'", 'wss://relay.walletconnect.org', 'wss://signal.example.org', 'http://127.0.0.1:8545', 'https:']);
  });
});

describe('operator connect-src entries', () => {
  it('become origins', () => {
    expect(connectSourceOf(' https://RPC.example.org:443/v1?key=x ')).toBe('https://rpc.example.org');
    expect(connectSourceOf('ws://[::1]:4444/signal')).toBe('ws://[::1]:4444');
    expect(connectSourceOf('WSS:')).toBe('wss:');
    expect(connectSources(['wss://relay.walletconnect.org/'])).toEqual(["'self'", 'wss://relay.walletconnect.org']);
  });

  it('refuse anything that is not a http(s)/ws(s) URL, with what to write instead', () => {
    for (const bad of ['relay.example.org', 'ftp://x.example', 'http:', '*', "'unsafe-inline'", 'https://u:p@x.example', 'wss://a;script-src']) {
      expect(() => connectSourceOf(bad), bad).toThrow(ConnectSrcError);
    }
    expect(() => connectSourceOf('relay.example.org')).toThrow(/use an http\(s\):\/\/ or ws\(s\):\/\/ URL/);
  });
});

describe('securityHeaders', () => {
  it('carries the policy and the other protections', () => {
    const headers = securityHeaders(connectSources());
    expect(headers).toMatchObject({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    expect(headers['Permissions-Policy']).toMatch(/(^|, )camera=\(\)/);
    expect(headers['Permissions-Policy']).toMatch(/microphone=\(\), /);
    expect(headers['Permissions-Policy']).toMatch(/geolocation=\(\)/);
  });
});
