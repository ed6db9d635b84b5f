import { useId, useState, type FormEvent } from 'react';
import type { Role } from '../../core/ops/roles.ts';
import { CopyButton } from '../shell/CopyButton.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { QrCode } from '../shell/QrCode.tsx';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { Dialog } from '../shell/Dialog.tsx';
import { plainError } from '../shell/plainWords.ts';
import { roleOption } from './roleWords.ts';

const EXPIRY = [
  ['1 hour', 3_600_000],
  ['1 day', 86_400_000],
  ['7 days', 7 * 86_400_000],
  ['30 days', 30 * 86_400_000],
] as const;

/** Make an invite link: role, expiry, uses. Shown as text to copy and as a QR code. */
export function InviteDialog({ contextId, myRole, onClose }: { contextId: string; myRole: Role; onClose: () => void }) {
  const node = useNode();
  const roles: Role[] = myRole === 'owner' ? ['admin', 'writer', 'reader', 'relay'] : ['writer', 'reader', 'relay'];
  const [role, setRole] = useState<Role>('writer');
  const [expiry, setExpiry] = useState<number>(EXPIRY[2][1]);
  const [uses, setUses] = useState(1);
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();
  const titleId = useId();

  async function make(event: FormEvent) {
    event.preventDefault();
    try {
      setLink(await node.contexts.open(contextId).invite({ role, expiresInMs: expiry, maxUses: uses }));
    } catch (e) {
      setError(plainError(e).text);
    }
  }

  return (
    <Dialog titleId={titleId} onClose={onClose} testId="invite-dialog">
      <form className="card" onSubmit={make}>
        <h2 id={titleId}>Invite someone</h2>
        <div className="fields row">
          <label className="field">
            <span>Role</span>
            <select data-autofocus value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleOption(r)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Expires in</span>
            <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
              {EXPIRY.map(([label, ms]) => (
                <option key={ms} value={ms}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Uses</span>
            <input type="number" min={1} max={1000} value={uses} onChange={(e) => setUses(Math.max(1, Math.min(1000, Number(e.target.value) || 1)))} />
          </label>
        </div>
        {link && (
          <div className="invite-link">
            <p>
              Send this link privately. Anyone with it can join as <strong>{role}</strong> until it expires or is used up.
              {role === 'relay' && <> Give it to <code>npm run peer -- &lt;link&gt;</code> on a machine that stays on.</>} The part after <code>#</code> never reaches a server.
            </p>
            <textarea readOnly rows={3} value={link} aria-label="Invite link" data-testid="invite-link" />
            <div className="actions start">
              <CopyButton text={link} label="Copy link" />
            </div>
            <QrCode text={link} label="QR code of the invite link" />
          </div>
        )}
        <ErrorAlert message={error} />
        <div className="actions">
          <button type="button" className="button secondary" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="button primary">
            {link ? 'Make another link' : 'Make invite link'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
