// Searching a browser profile for plaintext: every IndexedDB record of the page's origin, and
// the strings of the page's JavaScript heap. Used to show that a relay, or a removed member,
// holds no readable copy of shared values (docs/decisions/epoch-keys.md).
import type { Page } from 'playwright-core';

/**
 * Which of `needles` occur in any IndexedDB record of the page's origin: strings as they are,
 * byte arrays read as Latin-1 (a UTF-8 ASCII value shows through unchanged), keys included.
 */
export function indexedDbContains(page: Page, needles: string[]): Promise<string[]> {
  return page.evaluate(async (needles) => {
    const found = new Set<string>();
    const look = (text: string) => needles.forEach((n) => text.includes(n) && found.add(n));
    const walk = (value: unknown, depth: number): void => {
      if (depth > 12 || value === null || value === undefined) return;
      if (typeof value === 'string') return look(value);
      if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
        const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        let text = '';
        for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
        return look(text);
      }
      if (value instanceof Blob || typeof value !== 'object') return;
      for (const item of Object.values(value as object)) walk(item, depth + 1);
    };
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const [keys, values] = await new Promise<[IDBValidKey[], unknown[]]>((resolve, reject) => {
          const tx = db.transaction(store, 'readonly').objectStore(store);
          const k = tx.getAllKeys();
          const v = tx.getAll();
          v.onsuccess = () => resolve([k.result, v.result]);
          v.onerror = () => reject(v.error);
        });
        walk(keys, 0);
        walk(values, 0);
      }
      db.close();
    }
    return [...found];
  }, needles);
}

/**
 * Which of `needles` occur among the strings of the page's JavaScript heap (a CDP heap
 * snapshot). Take it before `indexedDbContains` on the same page: that one hands the needles
 * to the page, and they would then be found in its heap.
 */
export async function heapContains(page: Page, needles: string[]): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const snapshot = chunks.join('');
    return needles.filter((n) => snapshot.includes(n));
  } finally {
    await cdp.detach();
  }
}
