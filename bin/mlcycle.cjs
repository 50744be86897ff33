#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`; `npm ci` and `npm install` run it through the
// `prepare` script). MLCYCLE_FROM_SOURCE=1 runs the TypeScript through tsx instead, a devDependency:
// scripts/run-tests.cjs sets it so tests exercise the source, not the last build.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (process.env.MLCYCLE_FROM_SOURCE === '1') {
  require('tsx/cjs');
  require('../cli/main.ts');
} else {
  const compiled = join(__dirname, '..', 'dist', 'cli', 'main.js');
  if (!existsSync(compiled)) {
    console.error(`mlcycle is not built (${compiled} is missing): run \`npm run build\` in ${join(__dirname, '..')}`);
    process.exit(1);
  }
  require(compiled);
}
