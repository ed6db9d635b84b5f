import { useEffect, useState, type FormEvent } from 'react';
import type { CallOutcome } from '../../node/contexts/view.ts';
import type { MethodInfo } from '../../node/apps/contextApp.ts';
import { ErrorAlert } from '../shell/ErrorAlert.tsx';
import { useNode } from '../shell/nodeContext.ts';
import { useLive } from '../shell/useLive.ts';
import { reasonClause } from '../shell/reasonWords.ts';
import { usePageTitle } from '../shell/usePageTitle.ts';
import { sentence } from '../shell/wording.ts';
import { AuditLog } from './AuditLog.tsx';
import { EventStream } from './EventStream.tsx';

/**
 * What an input looks like, shown as the placeholder only: a filled-in form would be one
 * click from a signed, shared write of empty values.
 */
function example(m: MethodInfo): string {
  const sample = (name: string, declared: string, type = declared.replace(/\?$/, '')) => (type === 'string' ? (name === 'key' ? 'greeting' : `some ${name}`) : type === 'number' ? 1 : type === 'boolean' ? true : 'hello');
  return JSON.stringify(Object.fromEntries(Object.entries(m.args).map(([k, t]) => [k, sample(k, t)])));
}

const takesNoInput = (m: MethodInfo | undefined) => !m || Object.keys(m.args).length === 0;

/** The node console: call any method of a context's app, watch events, read the audit log. */
export function ConsolePage() {
  const node = useNode();
  const { value: contexts } = useLive(() => node.contexts.list(), []);
  const [contextId, setContextId] = useState('');
  const [methods, setMethods] = useState<MethodInfo[]>([]);
  const [method, setMethod] = useState('');
  const [input, setInput] = useState('');
  const [outcome, setOutcome] = useState<CallOutcome>();
  const [error, setError] = useState<string>();
  usePageTitle('Console');

  useEffect(() => {
    if (!contextId && contexts?.[0]) setContextId(contexts[0].id);
  }, [contexts, contextId]);

  useEffect(() => {
    if (!contextId) return;
    // Another context chosen before this one answered: its answer must not land.
    let current = true;
    node.contexts.open(contextId).methods().then(
      (list) => {
        if (!current) return;
        setMethods(list);
        setMethod(list[0]?.name ?? '');
        setInput('');
        setError(undefined);
      },
      (e: Error) => current && setError(sentence(e.message)),
    );
    return () => {
      current = false;
    };
  }, [node, contextId]);

  async function call(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setOutcome(undefined);
    const chosen = methods.find((m) => m.name === method);
    if (!input.trim() && !takesNoInput(chosen)) {
      setError(`Type the input first, for example ${example(chosen!)}.`);
      return;
    }
    let args: unknown;
    try {
      args = JSON.parse(input || '{}');
    } catch {
      setError('The input is not valid JSON: check its quotes and braces.');
      return;
    }
    try {
      setOutcome(await node.contexts.open(contextId).call(method, args));
    } catch (e) {
      setError(`${(e as Error).name === 'AppCallError' ? 'The call failed' : 'Error'}: ${sentence((e as Error).message)}`);
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
                setInput('');
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
          <textarea
            rows={4}
            spellCheck={false}
            value={input}
            placeholder={selected && !takesNoInput(selected) ? `e.g. ${example(selected)}` : '{}'}
            onChange={(e) => setInput(e.target.value)}
            data-testid="console-input"
          />
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
                <span className={`badge ${outcome.op.valid ? 'good' : 'bad'}`} title={outcome.op.reason}>
                  {outcome.op.valid ? 'op accepted' : `op refused: ${reasonClause(outcome.op.reason ?? '')}`}
                </span>
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
