#!/usr/bin/env node
// Runs every test file with Node's test runner (TypeScript through tsx) and ends with one plain
// "N passed, N failed" line. Node 20's runner takes no globs, so the files are listed here.
// MLCYCLE_FROM_SOURCE=1 makes bin/mlcycle.cjs, which tests spawn, run the TypeScript too, not dist/.
// Usage: node scripts/run-tests.cjs [filter substring ...]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const filters = process.argv.slice(2);

function listTests(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = listTests(path.join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)))
  .sort();
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}

fs.mkdirSync(path.join(root, 'test-output'), { recursive: true });
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${path.join(root, 'test-output', 'tap.txt')}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, MLCYCLE_FROM_SOURCE: '1' } },
);
const tap = fs.existsSync(path.join(root, 'test-output', 'tap.txt'))
  ? fs.readFileSync(path.join(root, 'test-output', 'tap.txt'), 'utf8')
  : '';
const count = (key) => Number((tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
// A test cancelled because its suite's setup failed did not pass: it counts as failed.
const failed = count('fail') + count('cancelled');
console.log(`${count('pass')} passed, ${failed} failed, ${count('skipped')} skipped`);
process.exit(failed > 0 ? 1 : (result.status ?? 1));
