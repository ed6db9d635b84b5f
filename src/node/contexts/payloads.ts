import { toHex } from '../../core/crypto/index.ts';

/** A method's output as a value: the JSON it holds, else its text. */
export function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An event payload for people: its JSON text, else its bytes in hex. */
export function describePayload(payload: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    JSON.parse(text);
    return text;
  } catch {
    return `0x${toHex(payload)}`;
  }
}
