#!/usr/bin/env node
// Thin shim: load the TypeScript sources through tsx, then hand over to main().
require('tsx/cjs');
require('../src/main.ts').run(process.argv.slice(2));
