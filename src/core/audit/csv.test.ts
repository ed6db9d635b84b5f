import { describe, expect, test } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV cells (RFC 4180, safe in spreadsheets)', () => {
  test('plain text, numbers and booleans pass unchanged; nothing is empty', () => {
    expect(csvCell('set')).toBe('set');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
  });

  test('commas, quotes and line breaks are quoted, quotes doubled', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  test.each(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '=HYPERLINK("http://x","y")'])('a cell starting like a formula (%j) is made text', (text) => {
    const cell = csvCell(text);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
    expect(unquoted).toBe(`'${text}`);
  });

  test('rows end with CRLF, header first', () => {
    expect(toCsv(['a', 'b'], [['1', 'x,y'], ['=2', undefined]])).toBe('a,b\r\n1,"x,y"\r\n\'=2,\r\n');
  });
});
