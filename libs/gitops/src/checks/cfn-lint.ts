import { execFile, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { AssemblyStack } from '../synth/stage-assembly';
import { CheckFinding, CheckResult } from './types';

export interface CfnLintOptions {
  /** The cfn-lint executable. @default `cfn-lint` (or `$CFN_LINT`) */
  readonly command?: string;
  readonly env?: NodeJS.ProcessEnv;
}

interface CfnLintMatch {
  readonly Rule: { readonly Id: string };
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Filename: string;
  readonly Location?: { readonly Start?: { readonly LineNumber?: number } };
}

/** Whether cfn-lint runs here, and its version (`undefined` when missing). */
export function cfnLintVersion(options: CfnLintOptions = {}): string | undefined {
  const command = options.command ?? options.env?.CFN_LINT ?? 'cfn-lint';
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', env: options.env ?? process.env });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim() || r.stderr.trim();
}

/** Runs `command args` without blocking; resolves with the exit status (null: killed or not started). */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      const status = error === null ? 0 : typeof code === 'number' ? code : null;
      resolve({ status, stdout, stderr, error: status === null ? (error ?? undefined) : undefined });
    });
  });
}

/**
 * Runs the real cfn-lint once over all templates of the assembly (one run per region when stacks
 * deploy to several): errors are findings, warnings are notes. The version probe and the runs start
 * together (cfn-lint takes seconds to start) and run as subprocesses, so the other checks, or a
 * synthesis, run meanwhile. A missing cfn-lint skips the check visibly (status `skipped` with the reason).
 */
export async function checkCfnLint(stacks: readonly AssemblyStack[], options: CfnLintOptions = {}): Promise<CheckResult> {
  const command = options.command ?? options.env?.CFN_LINT ?? 'cfn-lint';
  const env = options.env ?? process.env;
  const files = stacks.map((s) => s.templatePath);
  // Lint each template against its own region's resource specs (cfn-lint defaults to us-east-1).
  const byRegion = new Map<string, string[]>();
  for (const s of stacks) byRegion.set(s.region ?? 'us-east-1', [...(byRegion.get(s.region ?? 'us-east-1') ?? []), s.templatePath]);
  const probing = run(command, ['--version'], env);
  const linting = [...byRegion].map(([region, regionFiles]) =>
    run(command, ['--format', 'json', '--regions', region, '--', ...regionFiles], env),
  );
  const probe = await probing;
  const runs = await Promise.all(linting);
  const version = probe.status === 0 ? probe.stdout.trim() || probe.stderr.trim() : undefined;
  if (!version) {
    return {
      name: 'cfn-lint',
      status: 'skipped',
      findings: [],
      notes: [],
      reason: `'${command}' is not installed (pip install cfn-lint); templates were not linted`,
    };
  }
  const matches: CfnLintMatch[] = [];
  for (const r of runs) {
    // cfn-lint exits with a bit mask (2 errors, 4 warnings, 8 informational); 1 or a signal is a crash.
    if (r.error || r.status === null || (r.status & 1) === 1) {
      return {
        name: 'cfn-lint',
        status: 'fail',
        findings: [{ rule: 'cfn-lint-crashed', message: `cfn-lint failed to run: ${r.error?.message ?? r.stderr.trim().slice(0, 500)}` }],
        notes: [],
      };
    }
    matches.push(...(JSON.parse(r.stdout || '[]') as CfnLintMatch[]));
  }
  const stackOf = (file: string) => stacks.find((s) => s.templatePath === file || file.endsWith(s.templateFile))?.name;
  // The template's file name (the synth directory is a scratch path nobody can open later).
  const where = (m: CfnLintMatch) => `${path.basename(m.Filename)}:${m.Location?.Start?.LineNumber ?? 0}`;
  const findings: CheckFinding[] = matches
    .filter((m) => m.Level === 'Error')
    .map((m) => ({ stack: stackOf(m.Filename), rule: m.Rule.Id, message: m.Message, location: where(m) }));
  const warnings: CheckFinding[] = matches
    .filter((m) => m.Level !== 'Error')
    .map((m) => ({ stack: stackOf(m.Filename), rule: m.Rule.Id, message: m.Message, location: where(m) }));
  const notes = [`${version}: ${files.length} templates, ${findings.length} errors, ${warnings.length} warnings`];
  return { name: 'cfn-lint', status: findings.length > 0 ? 'fail' : 'pass', findings, warnings, notes };
}
