import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { START_STEPS, appBuildStep, installStep, shippedAppsStep } from './startSteps.mjs';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A project folder with a lockfile and, optionally, installed dependencies and a build. */
function project({ installed = false, built = false } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'tabnode-start-'));
  roots.push(root);
  writeFileSync(join(root, 'package-lock.json'), '{}');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'main.tsx'), '');
  const past = new Date(Date.now() - 60_000);
  for (const file of ['package-lock.json', 'src/main.tsx']) utimesSync(join(root, file), past, past);
  if (installed) {
    mkdirSync(join(root, 'node_modules'));
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{}');
  }
  if (built) {
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), '');
  }
  return root;
}

test('a fresh clone: says it is installing before npm ci starts', () => {
  const step = installStep(project());
  expect(step).toEqual({ announce: 'Installing dependencies (first run, about a minute)…', command: 'npm', args: ['ci'], what: 'npm ci' });
});

test('a changed lockfile: says it is updating, and why', () => {
  const root = project({ installed: true });
  utimesSync(join(root, 'package-lock.json'), new Date(), new Date(Date.now() + 1000));
  expect(installStep(root)?.announce).toBe('Updating dependencies (npm ci): package-lock.json changed since the last install…');
});

test('installed dependencies: no install step', () => {
  expect(installStep(project({ installed: true }))).toBeNull();
});

test('npm start builds the shipped apps only, not the runtime’s test modules', () => {
  const step = shippedAppsStep(project(), '/usr/bin/node');
  expect(step.args).toEqual(['scripts/build-apps.mjs', '--only=apps']);
  expect(step.announce).toMatch(/^Building the WASM apps/);
});

test('vite build runs, announced with its reason, only when dist/ is stale', () => {
  expect(appBuildStep(project(), 'node')?.announce).toBe('Building the app (vite build, about half a minute): dist/ has not been built…');
  expect(appBuildStep(project({ built: true }), 'node')).toBeNull();
});

test('the steps run in order: install, WASM apps, app build', () => {
  expect(START_STEPS).toEqual([installStep, shippedAppsStep, appBuildStep]);
});
