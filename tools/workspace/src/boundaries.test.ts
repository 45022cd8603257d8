import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

// Proves the module boundaries in eslint.config.mjs are enforced, by linting
// small sources as if they lived in each project.
const root = path.resolve(__dirname, '../../..');

// ESLint runs in a child process: its flat config is an ES module, which jest's sandbox cannot import.
function lint(file: string, code: string, rule = '@nx/enforce-module-boundaries'): string[] {
  const eslint = path.join(root, 'node_modules', '.bin', 'eslint');
  const run = spawnSync(eslint, ['--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (!run.stdout) throw new Error(`eslint did not run: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it.each([
    ['libs/login/src/probe.ts', "import { App } from 'aws-cdk-lib';\nexport const x = App;\n", 'is not allowed to import "aws-cdk-lib"'],
    ['libs/login/src/probe.ts', "import { Chart } from 'cdk8s';\nexport const x = Chart;\n", 'is not allowed to import "cdk8s"'],
    [
      'libs/stage-config/src/probe.ts',
      "import { Construct } from 'constructs';\nexport const x = Construct;\n",
      'is not allowed to import "constructs"',
    ],
    // The CLI imports stage-config, so nx may report the cycle before the tag rule: either rejects it.
    [
      'libs/stage-config/src/probe.ts',
      "import { main } from '@metaflow-gitops/cli';\nexport const x = main;\n",
      /can only depend on libs tagged with "type:lib"|Circular dependency/,
    ],
    // The CLI imports constructs too (mfctl synth), so the same holds here.
    [
      'libs/constructs/src/probe.ts',
      "import { main } from '@metaflow-gitops/cli';\nexport const x = main;\n",
      /can only depend on libs tagged with "type:lib"|Circular dependency/,
    ],
  ])('%s: %s is rejected', (file, code, expected) => {
    const messages = lint(file, code);
    expect(messages.join('\n')).toMatch(expected);
  });

  it('allows the CLI app to use the libraries', () => {
    expect(
      lint('apps/cli/src/probe.ts', "import { stackName } from '@metaflow-gitops/stage-config';\nexport const x = stackName;\n"),
    ).toEqual([]);
  });

  it('lets tools/testing build on the libraries and the CLI', () => {
    const code =
      "import { stackName } from '@metaflow-gitops/stage-config';\nimport { main } from '@metaflow-gitops/cli';\nexport const x = [stackName, main];\n";
    expect(lint('tools/testing/src/probe.ts', code)).toEqual([]);
  });
});

// Test support (tools/testing) is for tests: product code importing it, or any `testing` module,
// fails the lint; tests, test harnesses and development scripts may import it.
describe('test support stays out of product code', () => {
  jest.setTimeout(60_000);
  const restricted = (file: string, code: string) => [...lint(file, code), ...lint(file, code, 'no-restricted-imports')];

  it.each([
    ['libs/gitops/src/probe.ts', "import { TempRepo } from '@metaflow-gitops/testing/gitops';\nexport const x = TempRepo;\n"],
    ['apps/cli/src/probe.ts', "import { captureIo } from '@metaflow-gitops/testing/cli';\nexport const x = captureIo;\n"],
    ['libs/constructs/src/k8s/probe.ts', "import { sampleOutputs } from './testing';\nexport const x = sampleOutputs;\n"],
  ])('%s: %s is rejected', (file, code) => {
    expect(lint(file, code, 'no-restricted-imports').join('\n')).toMatch('Test support (tools/testing) is for tests only');
  });

  it.each([
    ['libs/gitops/src/pr/probe.test.ts', "import { TempRepo } from '@metaflow-gitops/testing/gitops';\nexport const x = TempRepo;\n"],
    [
      'libs/stage-config/src/probe.test.ts',
      "import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';\nexport const x = makeStageConfig;\n",
    ],
    [
      'libs/login/test/probe.ts',
      "import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';\nexport const x = makeStageConfig;\n",
    ],
    ['apps/cli/src/probe.test.ts', "import { captureIo } from '@metaflow-gitops/testing/cli';\nexport const x = captureIo;\n"],
  ])('%s may use it', (file, code) => {
    expect(restricted(file, code)).toEqual([]);
  });
});
