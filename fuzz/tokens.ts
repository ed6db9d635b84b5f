/** Dictionary tokens for the mutators: words of a format, as UTF-8 bytes. */
export function tokens(...words: string[]): Uint8Array[] {
  return words.map((w) => new TextEncoder().encode(w));
}

/** Pieces of root ids (CAIP-10) that fields carrying a root must parse. */
export const ROOT_ID_TOKENS = tokens('tabnode:local:', 'eip155:1:0x', 'starknet:SN_MAIN:0x', 'starknet:SN_SEPOLIA:0x', ':', '%', '-', '0x');
