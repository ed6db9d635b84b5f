import { storeContract } from '../../core/store/storeContract.ts';
import { dexieStore } from './dexieStore.ts';

// Runs in real Chromium: real IndexedDB. Each test gets a fresh database;
// `openSecond` opens another connection to it, as a second tab would.
let counter = 0;
const names = new WeakMap<object, string>();

storeContract(
  'dexie',
  async () => {
    const name = `tabnode-test-${Date.now()}-${counter++}`;
    const store = await dexieStore(name);
    names.set(store, name);
    return store;
  },
  async (first) => dexieStore(names.get(first)!),
);
