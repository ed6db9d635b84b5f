import { useEffect, useState, type KeyboardEvent } from 'react';
import { KEY_ROTATION } from '../../core/identity/index.ts';
import type { RotationStatus } from '../../node/index.ts';
import { RotationDue } from '../identity/RotationDue.tsx';
import { formatDate } from '../shell/wording.ts';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';
import { plainError } from '../shell/plainWords.ts';

const HOUR_MS = 3_600_000;

/** When the next rotation is, with how far off it is (a one-day cadence needs the hours). */
function nextRotation(status: RotationStatus): string {
  if (status.dueAt === undefined) return 'Off';
  if (status.due) return 'Due now';
  const hours = Math.max(1, Math.round((status.dueAt - status.now) / HOUR_MS));
  return `${formatDate(status.dueAt)} (in ${hours < 48 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${Math.round(hours / 24)} days`})`;
}

/**
 * How often this device's key is replaced, when the current one was made and when the next
 * rotation is due. It sits inside the Settings form: its own button applies it, and Enter in
 * its field saves the cadence rather than the network settings.
 */
export function RotationCadence() {
  const node = useNode();
  const { value: status } = useLive(() => node.devices.rotation.status(), [], 5000);
  const [on, setOn] = useState(true);
  const [days, setDays] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  useEffect(() => {
    if (!status || loaded) return;
    setOn(status.cadenceDays !== null);
    setDays(String(status.cadenceDays ?? KEY_ROTATION.defaultDays));
    setLoaded(true);
  }, [status, loaded]);

  async function save() {
    try {
      const before = status?.key;
      const next = await node.devices.rotation.setCadence(on ? Number(days) : null);
      const rotated = before !== undefined && next.key !== before;
      setMessage({
        ok: true,
        text: next.cadenceDays === null ? 'Rotation off: this device keeps its key until you rotate it.' : `Rotation set: a new key every ${next.cadenceDays === 1 ? 'day' : `${next.cadenceDays} days`}.${rotated ? ' The key was older than that, so it was rotated now.' : ''}`,
      });
    } catch (e) {
      setMessage({ ok: false, text: plainError(e).text });
    }
  }

  const saveOnEnter = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void save();
  };

  return (
    <section className="rotation" aria-labelledby="rotation-title" data-testid="rotation-cadence">
      <h2 id="rotation-title">Device key rotation</h2>
      <p className="muted">
        This browser's key signs everything you do. Replacing it regularly limits what a copied key could do: the new key is introduced in every
        context and the old one is revoked. With a local identity it happens by itself; with a wallet you confirm it, since your wallet signs.
      </p>
      {status && (
        <dl className="facts" data-testid="rotation-facts">
          <dt>Current key</dt>
          <dd>
            <code>{status.key.slice(0, 10)}…</code>, made {formatDate(status.keyCreatedAt)}
          </dd>
          <dt>Next rotation</dt>
          <dd data-testid="rotation-next">{nextRotation(status)}</dd>
          {status.last?.outcome === 'rotated' && (
            <>
              <dt>Last rotated</dt>
              <dd>{formatDate(status.last.at)}, automatically</dd>
            </>
          )}
        </dl>
      )}
      {status && <RotationDue status={status} />}
      <div className="fields">
        <label className="check">
          <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} onKeyDown={saveOnEnter} data-testid="rotation-on" /> Rotate on a schedule
        </label>
        <label className="field">
          <span>Every (days)</span>
          <small id="rotation-days-help">
            A whole number from {KEY_ROTATION.minDays} to {KEY_ROTATION.maxDays}.
          </small>
          <input
            type="number"
            inputMode="numeric"
            min={KEY_ROTATION.minDays}
            max={KEY_ROTATION.maxDays}
            step={1}
            disabled={!on}
            aria-describedby="rotation-days-help"
            data-testid="rotation-days"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            onKeyDown={saveOnEnter}
          />
        </label>
      </div>
      <div className="actions start">
        <button type="button" className="button secondary" onClick={() => void save()}>
          Apply rotation
        </button>
      </div>
      {message && (
        <p className={message.ok ? 'result good' : 'result bad'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
