import type { IdentityStatus } from '../../node/index.ts';
import { CopyButton } from '../shell/CopyButton.tsx';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { countOf, formatDateTime } from '../shell/wording.ts';
import { DelegationPanel } from './DelegationPanel.tsx';
import { DevicesPanel } from './DevicesPanel.tsx';
import { SignOut } from './SignOut.tsx';

const ROOT_KIND_LABEL = { local: 'Local key', ethereum: 'Ethereum wallet', starknet: 'Starknet wallet' } as const;


/** Who you are, this device, and its delegation. */
export function IdentityPage({ status }: { status: IdentityStatus }) {
  const { root, device, delegation } = status;
  usePageTitle('Identity');
  if (!root) return null;
  return (
    <>
      <section className="card" aria-labelledby="identity-title">
        <h1 id="identity-title">Your identity</h1>
        <dl className="facts">
          <dt>Identity</dt>
          <dd>
            <code className="id" data-testid="root-id">
              {root.id}
            </code>
            <CopyButton text={root.id} />
          </dd>
          <dt>Kind</dt>
          <dd>
            <span className="badge">{ROOT_KIND_LABEL[root.kind]}</span>
          </dd>
          <dt>Since</dt>
          <dd>{formatDateTime(root.createdAt)}</dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="device-title">
        <h2 id="device-title">This device</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="device-label">{delegation?.label ?? '—'}</dd>
          <dt>Device key</dt>
          <dd>
            <code className="id" data-testid="device-key">
              {device.publicKey}
            </code>
            {device.nonExtractable && (
              <span className="badge good" title="The private key cannot be read out of this browser">
                Non-extractable
              </span>
            )}
          </dd>
          <dt>Delegation</dt>
          <dd data-testid="delegation-status">
            {delegation ?
              delegation.valid ?
                <>
                  <span className={delegation.expiringSoon ? 'badge warn' : 'badge good'}>Valid</span> until{' '}
                  {formatDateTime(delegation.expiresAt)} ({countOf(delegation.daysLeft, 'day')} left)
                </>
              : <>
                  <span className="badge bad">Not valid</span> <span title={delegation.problemDetail}>{delegation.problem}</span>
                </>
            : <span className="badge bad">Missing</span>}
          </dd>
        </dl>
        {delegation?.expiringSoon && (
          <p className="notice" role="status">
            This device&apos;s delegation ends in {countOf(delegation.daysLeft, 'day')}: renew it below, or its writes will be refused.
          </p>
        )}
      </section>

      <DevicesPanel status={status} />
      <DelegationPanel />
      <SignOut walletRoot={root.kind !== 'local'} />
    </>
  );
}
