import { useState } from 'react';
import type { ContextView } from '../../node/index.ts';
import { ROLES, roleRank, type Role } from '../../core/ops/roles.ts';
import { useNode } from '../shell/nodeContext.ts';
import { InviteDialog } from './InviteDialog.tsx';
import { ConfirmDialog } from '../shell/ConfirmDialog.tsx';
import { plainError, plainRefusal, type Plain } from '../shell/plainWords.ts';
import { memberName, shortRoot } from './memberNames.ts';
import { ROLE_LIMITS, roleHint } from './roleWords.ts';

/** Members with roles and online state; admins change roles, remove members and invite. */
export function MembersPanel({ view, onOutcome }: { view: ContextView; onOutcome: (text: string, ok: boolean, detail?: string) => void }) {
  const node = useNode();
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<ContextView['members'][number]>();
  const [lowering, setLowering] = useState<{ member: ContextView['members'][number]; role: Role }>();
  const myRank = view.myRole ? roleRank(view.myRole) : -1;
  const canManage = (role: Role) => myRank >= roleRank('admin') && (view.myRole === 'owner' || roleRank(role) < roleRank('admin'));

  // Devices delegated on a site removed since: they can no longer act until signed in again.
  const stranded = (m: ContextView['members'][number]) => m.devices.filter((d) => !d.revoked && d.origin !== undefined && !view.origins.includes(d.origin));

  /** Runs a change and reports it, refused or failed too: the dialog that asked is closed by then. */
  async function act(what: string, run: () => Promise<{ valid: boolean; reason?: string; message?: string }>) {
    let told: Plain;
    try {
      const outcome = await run();
      if (outcome.valid) return onOutcome(`${what}.`, true);
      told = plainRefusal(outcome.reason, outcome.message);
    } catch (e) {
      told = plainError(e);
    }
    onOutcome(`${what}: not done. ${told.text}`, false, told.detail);
  }

  function setRole(m: ContextView['members'][number], role: Role) {
    return act(`${memberName(m)} is now ${article(role)} ${role}`, () => node.contexts.open(view.id).setRole(m.root, role));
  }

  return (
    <section className="card" aria-labelledby="members-title">
      <div className="heading-row">
        <h2 id="members-title">Members</h2>
        {myRank >= roleRank('admin') && (
          <button type="button" className="button primary small" onClick={() => setInviting(true)}>
            Invite…
          </button>
        )}
      </div>
      <ul className="members" data-testid="members">
        {view.members.map((m) => (
          <li key={m.root} data-testid="member" data-root={m.root} data-role={m.role}>
            <span className={m.online ? 'dot online' : 'dot'} role="img" aria-label={m.online ? 'Online' : 'Offline'} title={m.online ? 'Online' : 'Offline'} />
            <span className="who">
              <strong>{memberName(m)}</strong>
              {m.me && <span className="badge">you</span>}
              {m.devices
                .filter((d) => d.revoked)
                .map((d) => (
                  <span key={d.key} className="badge bad" data-testid="revoked-device" data-key={d.key} title="This device key is revoked: its later writes are refused">
                    {d.label}: revoked
                  </span>
                ))}
              {stranded(m).map((d) => (
                <span key={d.key} className="badge bad" title="Its wallet delegation was signed on a site this context no longer allows: it must sign in again on an allowed site">
                  {d.label}: signed in on {d.origin}, not allowed
                </span>
              ))}
              <code className="id small" title={m.root}>
                {shortRoot(m.root)}
              </code>
            </span>
            {canManage(m.role) && !m.me ?
              <span className="member-actions">
                <label className="visually-hidden" htmlFor={`role-${m.root}`}>
                  Role of {memberName(m)}
                </label>
                <select
                  id={`role-${m.root}`}
                  value={m.role}
                  onChange={(e) => {
                    const role = e.target.value as Role;
                    // Taking rights away asks first; giving more does not.
                    if (roleRank(role) < roleRank(m.role)) setLowering({ member: m, role });
                    else void setRole(m, role);
                  }}
                >
                  {ROLES.filter((r) => view.myRole === 'owner' || roleRank(r) < roleRank('admin')).map((r) => (
                    <option key={r} value={r} title={roleHint(r)}>
                      {r}
                    </option>
                  ))}
                </select>
                <button type="button" className="button small danger" onClick={() => setRemoving(m)} aria-label={`Remove ${memberName(m)}`}>
                  Remove
                </button>
              </span>
            : <span className="badge" data-testid="member-role" title={roleHint(m.role)}>
                {m.role}
              </span>
            }
          </li>
        ))}
      </ul>
      {inviting && view.myRole && <InviteDialog contextId={view.id} myRole={view.myRole} onClose={() => setInviting(false)} />}
      {lowering && (
        <ConfirmDialog
          title={`Make ${memberName(lowering.member)} ${article(lowering.role)} ${lowering.role}?`}
          confirmLabel={`Make ${lowering.role}`}
          onCancel={() => setLowering(undefined)}
          onConfirm={async () => {
            const { member, role } = lowering;
            setLowering(undefined);
            await setRole(member, role);
          }}
        >
          <p>
            {memberName(lowering.member)} is {article(lowering.member.role)} {lowering.member.role} now. As {article(lowering.role)} {lowering.role}, they
            can only {ROLE_LIMITS[lowering.role]}. Every member refuses anything more they sign from then on.
          </p>
        </ConfirmDialog>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${memberName(removing)}?`}
          confirmLabel="Remove member"
          onCancel={() => setRemoving(undefined)}
          onConfirm={async () => {
            const who = removing;
            setRemoving(undefined);
            await act(`${memberName(who)} was removed`, () => node.contexts.open(view.id).remove(who.root));
          }}
        >
          <p>
            {memberName(removing)} will no longer be able to change this context, and every member will refuse what their devices sign from now on. They keep
            the copy they already have. To bring them back, send them a new invite.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** "a writer", "an admin", "an owner". */
function article(role: Role): string {
  return role === 'admin' || role === 'owner' ? 'an' : 'a';
}
