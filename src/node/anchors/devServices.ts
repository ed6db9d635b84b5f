// The serving site's dev services for its local chain: a faucet that funds a wallet, and a
// relayer that sends signed (…BySig) registry calls and pays. Local dev chains only.

const MAX_BYTES = 4096;
const TIMEOUT_MS = 30_000;

/** The dev faucet refused or failed; the message says why (its own words when it gave some). */
export class FaucetError extends Error {
  override readonly name = 'FaucetError';
}

/** The site's dev relayer refused or failed. */
export class RelayError extends Error {
  override readonly name = 'RelayError';
}

type Answer = { ok: boolean; status: number; txHash: unknown; error: string | undefined };

/** POST a JSON body to one of the site's chain services; its answer's status, tx hash and error words. */
async function postToSite(origin: string, path: string, body: unknown, fetchFn: typeof fetch, unreachable: (message: string) => Error): Promise<Answer> {
  let response: Response;
  try {
    response = await fetchFn(new URL(path, origin), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw unreachable((e as Error).message);
  }
  let parsed: { txHash?: unknown; error?: unknown } = {};
  try {
    parsed = JSON.parse((await response.text()).slice(0, MAX_BYTES)) as typeof parsed;
  } catch {
    // not JSON: the status says what happened
  }
  const error = typeof parsed.error === 'string' ? parsed.error : typeof (parsed.error as { message?: unknown })?.message === 'string' ? (parsed.error as { message: string }).message : undefined;
  return { ok: response.ok, status: response.status, txHash: parsed.txHash, error };
}

/**
 * Ask the serving site's dev faucet (`POST /chain/faucet`, local chains only) to fund
 * `address`; returns the funding transaction's hash.
 */
export async function fundFromFaucet(origin: string, address: string, fetchFn: typeof fetch = fetch): Promise<string> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new FaucetError(`"${address.slice(0, 60)}" is not an Ethereum address`);
  const a = await postToSite(origin, '/chain/faucet', { address }, fetchFn, (m) => new FaucetError(`the faucet did not answer: ${m}`));
  if (!a.ok || typeof a.txHash !== 'string') {
    throw new FaucetError(a.status === 404 ? 'this site offers no faucet (only its local dev chain has one)' : `the faucet refused: ${a.error ?? `HTTP ${a.status}`}`);
  }
  return a.txHash;
}

/**
 * Hand a signed registry call (`…BySig` calldata) to the site's dev relayer (`POST
 * /chain/relay`), which sends it and pays; the transaction hash.
 */
export async function relayThroughSite(origin: string, data: string, fetchFn: typeof fetch = fetch): Promise<`0x${string}`> {
  const a = await postToSite(origin, '/chain/relay', { data }, fetchFn, (m) => new RelayError(`the relayer did not answer: ${m}`));
  if (!a.ok || typeof a.txHash !== 'string' || !/^0x[0-9a-f]{64}$/i.test(a.txHash)) {
    throw new RelayError(a.status === 404 ? 'this site offers no relayer (only its local dev chain has one)' : `the relayer refused: ${a.error ?? `HTTP ${a.status}`}`);
  }
  return a.txHash as `0x${string}`;
}
