/**
 * CSV as RFC 4180 writes it (comma separated, CRLF line ends, fields with a comma, quote,
 * CR or LF quoted and quotes doubled), made safe to open in a spreadsheet: a cell that
 * starts like a formula (= + - @, or a tab or CR that some programs skip) gets a leading
 * apostrophe, so it is shown as text and never evaluated (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row and data rows as one CSV text, each row ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | undefined | null)[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
