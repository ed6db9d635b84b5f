import { useEffect, useState, type FormEvent } from 'react';
import { SETTINGS_LIMITS, type IceServer, type NodeSettings, type PolicyBlock } from '../../node/index.ts';
import { useNode } from '../shell/nodeContext.ts';
import { RotationCadence } from './RotationCadence.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { plainError } from '../shell/plainWords.ts';

function iceToText(servers: IceServer[]): string {
  return servers.map((s) => [s.urls.join(','), s.username, s.credential].filter(Boolean).join(' ')).join('\n');
}

/** One server a line: `urls[,urls] [username credential]`. */
function textToIce(text: string): IceServer[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [urls = '', username, credential] = line.split(/\s+/);
      const server: IceServer = { urls: urls.split(',').filter(Boolean) };
      if (username) server.username = username;
      if (credential) server.credential = credential;
      return server;
    });
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** How this node finds and reaches peers. */
export function Settings() {
  const node = useNode();
  usePageTitle('Settings');
  const [signaling, setSignaling] = useState('');
  const [ice, setIce] = useState('');
  const [route, setRoute] = useState<NodeSettings['iceTransportPolicy']>('all');
  const [maxConns, setMaxConns] = useState('');
  const [projectId, setProjectId] = useState('');
  const [relayUrl, setRelayUrl] = useState('');
  const [ethereumRpc, setEthereumRpc] = useState('');
  const [starknetRpc, setStarknetRpc] = useState('');
  const [chainRpc, setChainRpc] = useState('');
  const [chainId, setChainId] = useState('');
  const [registry, setRegistry] = useState('');
  const [confirmations, setConfirmations] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [blocked, setBlocked] = useState<PolicyBlock[]>([]);

  function show(settings: NodeSettings) {
    setSignaling(settings.signalingUrls.join('\n'));
    setIce(iceToText(settings.iceServers));
    setRoute(settings.iceTransportPolicy);
    setMaxConns(String(settings.maxConns));
    setProjectId(settings.walletConnect.projectId);
    setRelayUrl(settings.walletConnect.relayUrl);
    setEthereumRpc(settings.rpc.ethereum);
    setStarknetRpc(settings.rpc.starknet);
    setChainRpc(settings.chain.rpcUrl);
    setChainId(settings.chain.rpcUrl ? String(settings.chain.chainId) : '');
    setRegistry(settings.chain.registry);
    setConfirmations(String(settings.chain.confirmations));
  }

  useEffect(() => {
    void node.settings.get().then(show);
  }, [node]);

  const entered = (): NodeSettings => ({
    signalingUrls: lines(signaling),
    iceServers: textToIce(ice),
    iceTransportPolicy: route,
    maxConns: Number(maxConns),
    walletConnect: { projectId, relayUrl },
    rpc: { ethereum: ethereumRpc, starknet: starknetRpc },
    chain: { rpcUrl: chainRpc, chainId: Number(chainId), registry, confirmations: Number(confirmations) },
  });

  // Checked as the person types: the server's policy, not these settings, decides what
  // the browser may reach, and saving cannot change that.
  useEffect(() => {
    let live = true;
    void node.settings.outsidePolicy(entered()).then((b) => live && setBlocked(b));
    return () => {
      live = false;
    };
  }, [node, signaling, ice, route, maxConns, projectId, relayUrl, ethereumRpc, starknetRpc, chainRpc]);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      show(await node.settings.update(entered()));
      // Contexts join their rooms when they open: the open ones keep their connections.
      setMessage({ ok: true, text: 'Saved. Contexts opened from now on use these settings; reload the page to apply them to the open ones.' });
    } catch (e) {
      setMessage({ ok: false, text: plainError(e).text });
    }
  }

  return (
    // noValidate: the node checks every field and says what is wrong, in one place (the alert).
    <form className="card" aria-labelledby="settings-title" onSubmit={save} noValidate>
      <h1 id="settings-title">Network and wallet settings</h1>
      <div className="fields">
        <label className="field">
          <span>Signaling servers</span>
          <small id="signaling-help">One WebSocket URL a line (ws:// or wss://). Peers meet there; content never passes through.</small>
          <textarea
            rows={3}
            spellCheck={false}
            aria-describedby="signaling-help"
            value={signaling}
            onChange={(e) => setSignaling(e.target.value)}
          />
        </label>
        <label className="field">
          <span>ICE servers (STUN / TURN)</span>
          <small id="ice-help">
            One server a line: <code>turn:host:3478 username credential</code>. Leave empty on a local network.
          </small>
          <textarea rows={3} spellCheck={false} aria-describedby="ice-help" value={ice} onChange={(e) => setIce(e.target.value)} />
        </label>
        <label className="field">
          <span>Connection route</span>
          <small id="route-help">
            Relay only sends everything through your TURN server: peers never see this device's addresses, and peers behind strict NATs
            still connect. It needs a <code>turn:</code> server above.
          </small>
          <select aria-describedby="route-help" value={route} onChange={(e) => setRoute(e.target.value === 'relay' ? 'relay' : 'all')}>
            <option value="all">Direct when possible (all)</option>
            <option value="relay">TURN relay only (relay)</option>
          </select>
        </label>
        <label className="field">
          <span>Connections per context</span>
          <small id="conns-help">
            The most peers this node connects to directly in one context ({SETTINGS_LIMITS.minConns}–{SETTINGS_LIMITS.maxConns}). With more
            members than that, peers form a partial mesh and changes travel through neighbours.
          </small>
          <input
            type="number"
            inputMode="numeric"
            min={SETTINGS_LIMITS.minConns}
            max={SETTINGS_LIMITS.maxConns}
            step={1}
            aria-describedby="conns-help"
            value={maxConns}
            onChange={(e) => setMaxConns(e.target.value)}
          />
        </label>
        <label className="field">
          <span>WalletConnect project id</span>
          <small id="wc-help">From WalletConnect Cloud. Without one, WalletConnect is not offered at login.</small>
          <input spellCheck={false} aria-describedby="wc-help" value={projectId} onChange={(e) => setProjectId(e.target.value)} />
        </label>
        <label className="field">
          <span>WalletConnect relay</span>
          <input spellCheck={false} value={relayUrl} onChange={(e) => setRelayUrl(e.target.value)} />
        </label>
        <label className="field">
          <span>Ethereum RPC (optional)</span>
          <small id="eth-rpc-help">Lets this node check contract-account (ERC-1271) signatures. Without it they are unverifiable and refused.</small>
          <input spellCheck={false} aria-describedby="eth-rpc-help" value={ethereumRpc} onChange={(e) => setEthereumRpc(e.target.value)} />
        </label>
        <label className="field">
          <span>Starknet RPC (optional)</span>
          <small id="sn-rpc-help">Lets this node ask accounts whose key cannot be tied to their address offline (is_valid_signature).</small>
          <input spellCheck={false} aria-describedby="sn-rpc-help" value={starknetRpc} onChange={(e) => setStarknetRpc(e.target.value)} />
        </label>
      </div>
      <h2 className="minor">Anchoring chain</h2>
      <p className="muted" id="chain-help">
        The EVM chain new contexts anchor membership, revocations and app hashes to, and that this node reads anchors from. Empty: no chain.
      </p>
      <div className="grid">
        <label className="field">
          <span>Chain RPC</span>
          <input spellCheck={false} aria-describedby="chain-help" data-testid="chain-rpc" value={chainRpc} onChange={(e) => setChainRpc(e.target.value)} />
        </label>
        <label className="field">
          <span>Chain id</span>
          <input inputMode="numeric" data-testid="chain-id" value={chainId} onChange={(e) => setChainId(e.target.value)} />
        </label>
        <label className="field">
          <span>Registry contract</span>
          <input spellCheck={false} data-testid="chain-registry" value={registry} onChange={(e) => setRegistry(e.target.value)} />
        </label>
        <label className="field">
          <span>Confirmations</span>
          <small>Blocks deep an event must be before it counts (reorgs).</small>
          <input inputMode="numeric" value={confirmations} onChange={(e) => setConfirmations(e.target.value)} />
        </label>
      </div>
      {blocked.length > 0 && (
        <div className="result bad" aria-live="polite" data-testid="policy-blocked">
          <p>Blocked by this server's security policy:</p>
          <ul>
            {blocked.map((b) => (
              <li key={`${b.setting} ${b.url}`}>{b.message}</li>
            ))}
          </ul>
        </div>
      )}
      {message && (
        <p className={message.ok ? 'result good' : 'result bad'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          onClick={() =>
            void node.settings.reset().then((s) => {
              show(s);
              setMessage({ ok: true, text: 'Back to the defaults.' });
            })
          }
        >
          Reset to defaults
        </button>
        <button type="submit" className="button primary">
          Save
        </button>
      </div>
      <RotationCadence />
    </form>
  );
}
