// Records each project's jest totals in tmp/test-results/<project root>.json, so `npm test` can print
// one closing line for the whole workspace (tools/test-summary.js). Nx restores the file on cache hits.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const workspace = path.resolve(__dirname, '..');
    const file = path.join(workspace, 'tmp', 'test-results', `${path.relative(workspace, this.rootDir)}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const totals = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(file, JSON.stringify(totals) + '\n');
  }
}

module.exports = SummaryReporter;
