import { useEffect } from 'react';

export const APP_NAME = 'Tabnode';

/** "Contexts · Tabnode"; the app's name alone while there is nothing to name yet. */
export function pageTitle(page: string | undefined): string {
  const name = page?.trim();
  return name ? `${name} · ${APP_NAME}` : APP_NAME;
}

/**
 * Sets `document.title` for the page shown (screen readers and tabs tell pages apart by it).
 * `null`: this component is shown inside another page, whose title stays.
 */
export function usePageTitle(page: string | undefined | null): void {
  useEffect(() => {
    if (page !== null) document.title = pageTitle(page);
  }, [page]);
}
