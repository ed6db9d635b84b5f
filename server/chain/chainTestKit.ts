// Shared by the chain endpoint tests: a throwaway dist/ and JSON-RPC over fetch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDist(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tabnode-chain-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

export const call = (method: string, params: unknown[] = [], id: number | string = 1) => ({ jsonrpc: '2.0', id, method, params });
