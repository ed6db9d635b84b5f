// Types for scripts/coturn.mjs (plain ESM so it runs before dependencies are installed).
export const HOW_TO_INSTALL_COTURN: string;
export function findTurnserver(): string | undefined;
