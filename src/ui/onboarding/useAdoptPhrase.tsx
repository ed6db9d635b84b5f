import { useState } from 'react';
import { useNode } from '../shell/nodeContext.ts';
import { defaultDeviceLabel } from './deviceLabel.ts';
import { plainError } from '../shell/plainWords.ts';

/** Shared by create and restore: a device name, and making a phrase this browser's identity. */
export function useAdoptPhrase() {
  const node = useNode();
  const [label, setLabel] = useState(defaultDeviceLabel);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function adopt(phrase: string): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await node.identity.useLocalRoot(phrase, label);
    } catch (e) {
      setError(plainError(e).text);
      setBusy(false);
    }
  }

  const labelField = (
    <label className="field">
      <span>Name for this device</span>
      <input value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} />
    </label>
  );
  return { adopt, busy, error, setError, labelField };
}
