#!/usr/bin/env node
// Runs the compiled bundle (dist/main.js), or the TypeScript sources when it is missing or stale.
require('@metaflow-gitops/stage-config/launcher').launch(require('node:path').join(__dirname, '..'), 'mfctl');
