import type { SettingsStore } from '../../../core/store/index.ts';

/** Contexts forgotten on this profile: the directory does not bring them back on its own. */
const SETTING = 'forgottenContexts';
/** The newest ids kept; an older one forgotten may come back through the directory. */
export const FORGOTTEN_KEPT = 1_000;

/**
 * The contexts a person forgot here (`contexts.forget`). Another device of their root keeps
 * naming them in the directory, which would rejoin them at once; an explicit join (an invite
 * link, a backup restored) takes one off the list.
 */
export function forgottenContexts(store: SettingsStore) {
  async function list(): Promise<string[]> {
    const value = await store.setting(SETTING);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }
  return {
    list,
    async add(id: string): Promise<void> {
      const ids = (await list()).filter((v) => v !== id);
      await store.putSetting(SETTING, [...ids, id].slice(-FORGOTTEN_KEPT));
    },
    async remove(id: string): Promise<void> {
      const ids = await list();
      if (ids.includes(id)) await store.putSetting(SETTING, ids.filter((v) => v !== id));
    },
  };
}
