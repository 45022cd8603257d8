#!/usr/bin/env node
// Thin shim. The packed package ships compiled JavaScript in dist/; a repository checkout has only
// the TypeScript sources and runs them through tsx (as mfctl does).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist', 'main.js');
if (existsSync(dist)) {
  require(dist).run(process.argv.slice(2));
} else {
  require('tsx/cjs');
  require('../src/main.ts').run(process.argv.slice(2));
}
