// `npm run peer -- <invite link>…`: a headless Tabnode node relaying contexts (docs/relay.md).
import { parsePeerArgs, PeerUsageError, USAGE } from './options.ts';
import { runPeer, type Log } from './run.ts';

const log: Log = {
  info: (line) => console.log(line),
  error: (line) => console.error(`error: ${line}`),
};

async function main(): Promise<number> {
  let options;
  try {
    options = parsePeerArgs(process.argv.slice(2), process.cwd());
  } catch (e) {
    if (!(e instanceof PeerUsageError)) throw e;
    console.error(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  // Signals during start-up wait for it, then stop: the browser must close to flush its profile.
  let stopRequested: (signal: string) => void = () => undefined;
  const stopSignal = new Promise<string>((resolve) => (stopRequested = resolve));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopRequested(signal));

  const peer = await runPeer(options, log);
  log.info(`relaying; data in ${options.dataDir}; Ctrl-C stops`);
  const outcome = await Promise.race([stopSignal, peer.lost.then(() => 'lost' as const)]);
  if (outcome === 'lost') {
    log.error('the browser closed by itself; restart the peer (it reopens its contexts)');
    return 1;
  }
  log.info(`${outcome}: closing the browser`);
  await peer.stop();
  log.info('stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // One "error:" per line: bad links are listed one a line.
    for (const line of (e instanceof Error ? e.message : String(e)).split('\n')) console.error(`error: ${line}`);
    process.exit(1);
  },
);
