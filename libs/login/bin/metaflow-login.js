#!/usr/bin/env node
// The packed package ships only the compiled dist/. A repository checkout runs dist/main.js when it
// is current, else the TypeScript sources (as mfctl does).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (existsSync(join(root, 'src'))) require('@metaflow-gitops/stage-config/launcher').launch(root, 'metaflow-login');
else require('../dist/main.js').run(process.argv.slice(2));
