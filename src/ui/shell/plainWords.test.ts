import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../core/codec/errors.ts';
import { plainError, plainRefusal } from './plainWords.ts';
import { countOf, formatDateTime, formatTime, sentence } from './wording.ts';
import { pageTitle } from './usePageTitle.ts';

describe('words people read', () => {
  test('a refusal is told in plain words; raw ids and codes stay in the detail', () => {
    const p = plainRefusal('not-a-member', 'tabnode:local:5Hx… is not a member');
    expect(p.text).toBe('You are not a member of this context any more, so members refuse your changes.');
    expect(p.text).not.toMatch(/tabnode:|not-a-member/);
    expect(p.detail).toBe('not-a-member: tabnode:local:5Hx… is not a member');
    expect(plainRefusal('something-new', undefined).text).toBe('Members refused this change.');
    // A code that names an Object.prototype member is not a refusal the table words.
    for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(plainRefusal(inherited, undefined).text).toBe('Members refused this change.');
  });

  test('codec errors become plain words, with the byte offset only in the detail', () => {
    const p = plainError(new DecodeError('bad-tag', 'expected type 48, got 100', 0));
    expect(p.text).not.toMatch(/type 48|byte/);
    expect(p.detail).toBe('DecodeError: expected type 48, got 100 (at byte 0)');
    expect(plainError(new Error('a context needs a name')).text).toBe('A context needs a name.');
    expect(plainError(new TypeError('x is undefined'))).toEqual({ text: 'Something went wrong on this device. Reloading the page may help.', detail: 'TypeError: x is undefined' });
  });

  test('plurals, sentences and titles', () => {
    expect(countOf(1, 'member')).toBe('1 member');
    expect(countOf(0, 'member')).toBe('0 members');
    expect(countOf(2, 'reply', 'replies')).toBe('2 replies');
    expect(sentence('the invite has expired')).toBe('The invite has expired.');
    expect(sentence('Done?')).toBe('Done?');
    expect(pageTitle('Design team')).toBe('Design team · Tabnode');
    expect(pageTitle(undefined)).toBe('Tabnode');
  });

  test('one date format: a time of today reads like the time in the full format; other days get the full format', () => {
    const now = new Date(2026, 11, 7, 14, 5).getTime();
    const earlier = new Date(2026, 11, 7, 9, 30).getTime();
    expect(formatDateTime(earlier).endsWith(formatTime(earlier, now))).toBe(true);
    const yesterday = new Date(2026, 11, 6, 9, 30).getTime();
    expect(formatTime(yesterday, now)).toBe(formatDateTime(yesterday));
  });

  test('no page formats dates on its own: every date and time goes through shell/wording.ts', () => {
    const ui = fileURLToPath(new URL('..', import.meta.url));
    const files = (readdirSync(ui, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('wording.ts'));
    const own = files.filter((f) => /toLocaleTimeString|toLocaleDateString|Intl\.DateTimeFormat|new Date\([^)]*\)\.toLocaleString/.test(readFileSync(join(ui, f), 'utf8')));
    expect(own).toEqual([]);
  });
});
