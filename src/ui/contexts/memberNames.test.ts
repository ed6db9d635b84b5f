import { expect, test } from 'vitest';
import type { MemberView } from '../../node/index.ts';
import { memberName, nameAmong } from './memberNames.ts';

const bob = 'tabnode:local:9TkQbWvRn2sLpE6yXcM4uAfZd8GhJiKo';
const gone = 'tabnode:local:7HyUeWqPa3sDfGh5jKlZx9cVbNm2QwEr';
const member = (devices: MemberView['devices']): MemberView => ({ root: bob, role: 'writer', me: false, online: true, devices }) as MemberView;

test('a member is named by its first live device, never a revoked one; with none live, by a short id', () => {
  expect(memberName(member([{ key: 'a', label: 'Bob old phone', revoked: true }, { key: 'b', label: 'Bob laptop', revoked: false }]))).toBe('Bob laptop');
  expect(memberName(member([{ key: 'a', label: 'Bob old phone', revoked: true }]))).toBe('9TkQbW…JiKo');
  expect(memberName(member([]))).toBe('9TkQbW…JiKo');
});

test('a root not among the members reads as a short id, never the raw root', () => {
  const members = [member([{ key: 'b', label: 'Bob laptop', revoked: false }])];
  expect(nameAmong(members, bob)).toBe('Bob laptop');
  expect(nameAmong(members, gone)).toBe('7HyUeW…QwEr');
  expect(nameAmong(members, gone)).not.toContain('tabnode:');
});
