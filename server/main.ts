// Tabnode's one server process: the built app (static files), the signaling relay and the
// chain endpoints (/chain: docs/serving.md) on one port, every response with the security
// headers (server/securityHeaders.ts). Run as a CLI with `tsx server/main.ts` (PORT, HOST,
// TABNODE_CONNECT_SRC, TABNODE_SIGNALING_ORIGINS, TABNODE_CHAIN*: README), or call
// startServer().
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startChainService } from './chain/chainService.ts';
import type { ChainServiceOptions, ChainStatus } from './chain/chainService.ts';
import { chainFromEnvironment } from './chain/options.ts';
import type { ChainOption } from './chain/options.ts';
import { attachSignaling, DEFAULT_SIGNALING_OPTIONS } from './signaling.ts';
import type { SignalingOptions } from './signaling.ts';
import { connectSources, securityHeaders, setSecurityHeaders } from './securityHeaders.ts';
import { createStaticHandler } from './static.ts';
import type { StaticOptions } from './static.ts';

export interface StartServerOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Directory with the built app. Default: dist/ next to server/. */
  distDir?: string;
  /**
   * Servers the app may connect to besides its own origin and WalletConnect's default
   * relay: the signaling servers, WalletConnect relay and RPCs its users will set in
   * Settings (URLs, reduced to their origins; `https:` or `wss:` allow every host).
   */
  connectSrc?: string[];
  signaling?: SignalingOptions;
  compression?: StaticOptions['compression'];
  /**
   * The chain served at /chain: 'local' runs Hardhat's node with the registry (what
   * `npm start` does), an ExternalChain proxies to that RPC, 'none' (the default here, so
   * tests pay no Hardhat start-up unless they ask) answers /chain/config with kind none.
   */
  chain?: ChainOption;
  /** Limits of the proxy and faucet, and the local chain's start-up (tests). */
  chainService?: ChainServiceOptions;
}

export interface RunningServer {
  /** Base URL of the app, e.g. http://127.0.0.1:8080/ */
  url: string;
  /** WebSocket URL of the signaling relay, e.g. ws://127.0.0.1:8080/signal */
  signalingUrl: string;
  port: number;
  /** The connect-src sources of the Content-Security-Policy every response carries. */
  connectSrc: string[];
  /** Settles once the chain is up or has failed; the app is served meanwhile. Never rejects. */
  chain: Promise<ChainStatus>;
  close(): Promise<void>;
}

export class ServerStartError extends Error {
  override name = 'ServerStartError';
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const port = opts.port ?? DEFAULT_PORT;
  const host = opts.host ?? DEFAULT_HOST;
  const signalingPath = opts.signaling?.path ?? DEFAULT_SIGNALING_OPTIONS.path;
  const connectSrc = connectSources(opts.connectSrc);
  const headers = securityHeaders(connectSrc);
  const serveStatic = createStaticHandler(opts.distDir ?? DEFAULT_DIST_DIR, { compression: opts.compression });

  const server = createServer((req, res) => {
    setSecurityHeaders(res, headers);
    // A plain GET on the signaling path is a client that forgot to upgrade.
    if (req.url?.split('?', 1)[0] === signalingPath) {
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
      res.end('this endpoint speaks WebSocket (y-webrtc signaling)');
      return;
    }
    if (chain.handle(req, res)) return; // chain is assigned before the server listens
    serveStatic(req, res);
  });
  const signaling = attachSignaling(server, opts.signaling);
  // Last of the checks that can throw: nothing may leave a Hardhat node behind.
  const chain = startChainService(opts.chain ?? 'none', opts.chainService);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    await chain.close(); // a started Hardhat node must not outlive a server that never listened
    throw err;
  }

  const actualPort = (server.address() as AddressInfo).port;
  const origin = `${urlHost(host)}:${actualPort}`;
  return {
    url: `http://${origin}/`,
    signalingUrl: `ws://${origin}${signalingPath}`,
    port: actualPort,
    connectSrc,
    chain: chain.ready,
    async close() {
      await Promise.all([signaling.close(), chain.close()]);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Browsers keep idle keep-alive connections open; don't wait for them.
      server.closeAllConnections();
      await closed;
    },
  };
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') {
    return new ServerStartError(`port ${port} on ${host} is already in use: set PORT to another port (PORT=0 picks a free one)`);
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new ServerStartError(`cannot bind to host ${host}: set HOST to an address of this machine (e.g. 127.0.0.1 or 0.0.0.0)`);
  }
  if (err.code === 'EACCES') {
    return new ServerStartError(`no permission to listen on port ${port}: use a port above 1023`);
  }
  return err;
}

// The address to show users: wildcard binds are reachable via localhost; IPv6 needs brackets.
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** A list in an environment variable: entries separated by spaces or commas. */
function parseList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServerStartError(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/**
 * What `npm start` runs: the options from the environment (PORT, HOST, TABNODE_*) and the
 * CLI flags (--chain…); the embedded local chain unless told otherwise.
 */
export function serverOptionsFromEnvironment(env: NodeJS.ProcessEnv, argv: string[] = []): StartServerOptions {
  return {
    port: parsePort(env.PORT),
    host: env.HOST || DEFAULT_HOST,
    connectSrc: parseList(env.TABNODE_CONNECT_SRC),
    signaling: { allowedOrigins: parseList(env.TABNODE_SIGNALING_ORIGINS) },
    chain: chainFromEnvironment(env, argv),
  };
}

async function runCli(): Promise<void> {
  let options: StartServerOptions;
  let server: RunningServer;
  try {
    options = serverOptionsFromEnvironment(process.env, process.argv.slice(2));
    server = await startServer(options);
  } catch (err) {
    console.error(`Tabnode could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  console.log(`Tabnode is running at ${server.url} (signaling: ${server.signalingUrl})`);
  console.log(`Tabnode: pages may connect to ${server.connectSrc.join(' ')} (more: TABNODE_CONNECT_SRC)`);
  if (options.chain === 'local') console.log('Tabnode: chain: starting the embedded local chain (TABNODE_CHAIN=none skips it)');
  void server.chain.then((status) => {
    console.log(`Tabnode: chain: ${status.description}`);
    if (status.problem) console.warn(`Tabnode: chain: ${status.problem}`);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A terminal Ctrl-C can reach us twice (directly and forwarded by scripts/start.mjs).
    if (stopping) return;
    stopping = true;
    console.log(`Tabnode: ${signal} received, shutting down`);
    setTimeout(() => {
      console.error('Tabnode: shutdown took longer than 5 s, exiting anyway');
      process.exit(1);
    }, 5_000).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Tabnode: error during shutdown', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) await runCli();
