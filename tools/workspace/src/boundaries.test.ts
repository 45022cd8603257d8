import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

// Proves the module boundaries in eslint.config.mjs are enforced (STYLE.md rule 10), by linting
// small sources as if they lived in each project.
const root = path.resolve(__dirname, '../../..');

// ESLint runs in a child process: its flat config is an ES module, which jest's sandbox cannot import.
function lint(file: string, code: string): string[] {
  const eslint = path.join(root, 'node_modules', '.bin', 'eslint');
  const run = spawnSync(eslint, ['--stdin', '--stdin-filename', path.join(root, file), '--format', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (!run.stdout) throw new Error(`eslint did not run: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
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
});
