// Set-up file of every e2e test file (vitest.e2e.config.ts): a test during which any page
// reported a Content-Security-Policy violation fails, whatever it asserts itself; one
// reported after the last test fails the file.
import { afterAll, afterEach, expect } from 'vitest';
import { takeCspViolations } from './harness.ts';

const noViolations = (): void => {
  expect(takeCspViolations(), 'Content-Security-Policy violations (the served policy blocked something the app does)').toEqual([]);
};

afterEach(noViolations);
afterAll(noViolations);
