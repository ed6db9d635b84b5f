import type { SettingValue, SettingsStore } from '../../../core/store/index.ts';

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
  const ids = (value: SettingValue | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return {
    list: async (): Promise<string[]> => ids(await store.setting(SETTING)),
    // Each change reads and writes in one step: two tabs forgetting at once keep both.
    async add(id: string): Promise<void> {
      await store.updateSetting(SETTING, (current) => [...ids(current).filter((v) => v !== id), id].slice(-FORGOTTEN_KEPT));
    },
    async remove(id: string): Promise<void> {
      await store.updateSetting(SETTING, (current) => {
        const kept = ids(current);
        return kept.includes(id) ? kept.filter((v) => v !== id) : undefined;
      });
    },
  };
}
