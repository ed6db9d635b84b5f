import { useEffect, useState, type FormEvent } from 'react';
import type { CallOutcome } from '../../node/contexts/view.ts';
import type { MethodInfo } from '../../node/apps/contextApp.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';
import { AuditLog } from './AuditLog.tsx';
import { EventStream } from './EventStream.tsx';

function example(m: MethodInfo): string {
  return JSON.stringify(Object.fromEntries(Object.entries(m.args).map(([k, t]) => [k, t === 'string' ? '' : t === 'number' ? 0 : null])));
}

/** The node console: call any method of a context's app, watch events, read the audit log. */
export function ConsolePage() {
  const node = useNode();
  const { value: contexts } = useLive(() => node.contexts.list(), []);
  const [contextId, setContextId] = useState('');
  const [methods, setMethods] = useState<MethodInfo[]>([]);
  const [method, setMethod] = useState('');
  const [input, setInput] = useState('{}');
  const [outcome, setOutcome] = useState<CallOutcome>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!contextId && contexts?.[0]) setContextId(contexts[0].id);
  }, [contexts, contextId]);

  useEffect(() => {
    if (!contextId) return;
    node.contexts.methods(contextId).then(
      (list) => {
        setMethods(list);
        setMethod(list[0]?.name ?? '');
        setInput(list[0] ? example(list[0]) : '{}');
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [node, contextId]);

  async function call(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setOutcome(undefined);
    let args: unknown;
    try {
      args = JSON.parse(input || '{}');
    } catch {
      setError('The input is not valid JSON.');
      return;
    }
    try {
      setOutcome(await node.contexts.call(contextId, method, args));
    } catch (e) {
      setError(`${(e as Error).name === 'AppCallError' ? 'The call failed' : 'Error'}: ${(e as Error).message}`);
    }
  }

  const selected = methods.find((m) => m.name === method);
  return (
    <>
      <form className="card" onSubmit={call} aria-labelledby="console-title">
        <h1 id="console-title">Node console</h1>
        <div className="fields row">
          <label className="field">
            <span>Context</span>
            <select value={contextId} onChange={(e) => setContextId(e.target.value)}>
              {contexts?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Method</span>
            <select
              value={method}
              onChange={(e) => {
                setMethod(e.target.value);
                const m = methods.find((x) => x.name === e.target.value);
                if (m) setInput(example(m));
              }}
            >
              {methods.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name} ({m.kind})
                </option>
              ))}
            </select>
          </label>
        </div>
        {selected && (
          <p className="muted small">
            {selected.kind === 'view' ? 'A view: reads only, nothing is signed or sent.' : 'A mutation: its shared writes become a signed op that every member verifies.'} Arguments:{' '}
            <code>{JSON.stringify(selected.args)}</code>
          </p>
        )}
        <label className="field">
          <span>Input (JSON)</span>
          <textarea rows={4} spellCheck={false} value={input} onChange={(e) => setInput(e.target.value)} data-testid="console-input" />
        </label>
        <div className="actions">
          <button type="submit" className="button primary" disabled={!method}>
            Call
          </button>
        </div>
        <ErrorAlert message={error} />
        {outcome && (
          <div className="result-box" data-testid="console-result" role="status">
            <p>
              <strong>Result</strong> <span className="muted">in {outcome.ms} ms</span>
              {outcome.op && (
                <span className={`badge ${outcome.op.valid ? 'good' : 'bad'}`}>{outcome.op.valid ? 'op accepted' : `op rejected: ${outcome.op.reason}`}</span>
              )}
            </p>
            <pre>{JSON.stringify(outcome.output, null, 2)}</pre>
            {outcome.logs.length > 0 && <pre className="muted">{outcome.logs.join('\n')}</pre>}
          </div>
        )}
      </form>
      {contextId && <EventStream contextId={contextId} />}
      {contextId && <AuditLog contextId={contextId} />}
    </>
  );
}
