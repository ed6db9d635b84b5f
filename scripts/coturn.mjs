// Finds Debian's coturn TURN server for the NAT e2e test (e2e/turn.e2e.test.ts), shared by
// the test harness and scripts/test.mjs. Plain ESM: it runs before anything is installed.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/turnserver', '/usr/local/bin/turnserver'];

export const HOW_TO_INSTALL_COTURN =
  'No TURN server found (the NAT e2e test runs Debian\'s coturn on loopback). Install it with ' +
  '`sudo apt-get install -y coturn` (Debian/Ubuntu; the test starts its own server on a free loopback port), ' +
  'or point TURNSERVER_PATH at a coturn `turnserver` executable.';

/** The turnserver executable: TURNSERVER_PATH, then the usual system paths; undefined if none. */
export function findTurnserver() {
  const fromEnv = process.env.TURNSERVER_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}
