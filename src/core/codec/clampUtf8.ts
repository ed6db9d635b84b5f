const utf8 = new TextEncoder();

/** The longest prefix of `text` (whole code points, well-formed) that fits in `maxBytes` of UTF-8. */
export function clampUtf8(text: string, maxBytes: number): string {
  const clean = text.toWellFormed();
  if (utf8.encode(clean).length <= maxBytes) return clean;
  let out = '';
  let size = 0;
  for (const ch of clean) {
    const n = utf8.encode(ch).length;
    if (size + n > maxBytes) break;
    out += ch;
    size += n;
  }
  return out;
}
