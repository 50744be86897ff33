#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so a clone works without a build step.
'use strict';
require('tsx/cjs');
require('../cli/main.ts');
