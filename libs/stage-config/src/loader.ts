import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic, StageConfigError } from './diagnostics';
import { FileContext } from './private/file-context';
import { stageHost } from './naming';
import { normalizeStage } from './normalize';
import { kubernetesUpgradeRule, STAGE_RULES } from './rules';
import { checkAgainstSchema } from './private/schema-check';
import { STAGE_SCHEMA } from './schema';
import type { StageConfig } from './stage-config';
import { stageNameOfFile, stageNameProblem } from './stage-name';
import { isPlainObject, parseYamlWithPositions, YamlSyntaxError } from './private/yaml-positions';
import { pathBeyondNodes, MAX_ALIAS_EXPANSION } from './private/alias-expansion';
import { readStageFile, StageFileProblem } from './private/stage-file-read';
import { parseCidr, cidrsOverlap } from './cidr';

export interface LoadResult {
  /** The valid stages (no errors), sorted by name. */
  readonly stages: StageConfig[];
  /** Every error and warning of every file, in file order. */
  readonly diagnostics: Diagnostic[];
  /** No errors (warnings allowed). */
  readonly ok: boolean;
}

export interface LoadOptions {
  /**
   * Diagnostics and `StageConfig.sourceFile` name files relative to this directory.
   * @default the parent of the environments directory (so the repo's stages read `environments/<name>.yaml`)
   */
  readonly relativeTo?: string;
  /**
   * The Kubernetes version each stage's cluster runs now, by stage name (`mfctl validate --base`
   * reads them from the base branch's stage files): a change of more than one minor version up, or
   * any down, is an error. Stages not listed are new: any version.
   */
  readonly previousKubernetesVersions?: ReadonlyMap<string, string>;
}

interface ParsedStage {
  readonly ctx: FileContext;
  readonly stage?: StageConfig;
}

/**
 * The entries of a directory named like stage files (`*.yaml`, and `*.yml`, which the loader
 * refuses), sorted: whatever their type, so that a symbolic link or a directory named `x.yaml` is
 * reported rather than skipped.
 */
export function stageFiles(environmentsDir: string): string[] {
  return fs
    .readdirSync(environmentsDir)
    .filter((name) => stageNameOfFile(name) !== undefined)
    .sort();
}

/**
 * Parses, checks and normalizes one stage file's text. The stage is returned only when the file has
 * no errors.
 */
export function parseStageText(
  name: string,
  file: string,
  text: string,
  previousKubernetesVersion?: string,
): { stage?: StageConfig; diagnostics: Diagnostic[] } {
  const { ctx, stage } = parseStage(name, file, text, previousKubernetesVersion);
  return { stage, diagnostics: ctx.sorted() };
}

function parseStage(name: string, file: string, text: string, previousKubernetesVersion?: string): ParsedStage {
  let parsed;
  try {
    parsed = parseYamlWithPositions(text);
  } catch (err) {
    if (!(err instanceof YamlSyntaxError)) throw err;
    return problemOnly(file, text, {
      position: err.position,
      message: `YAML syntax error: ${err.reason}`,
      fix: 'fix the YAML at this position (indentation, a missing colon or quote)',
    });
  }
  const ctx = new FileContext(file, text, parsed);
  const problem = stageNameProblem(name);
  if (problem) ctx.reportAt('error', 1, 1, '', problem, 'rename the file');
  if (parsed.value === undefined || parsed.value === null) {
    ctx.reportAt('error', 1, 1, '', 'the stage file is empty', 'run `mfctl stage new` to write one, or copy environments/example.yaml');
    return { ctx };
  }
  if (!isPlainObject(parsed.value)) {
    ctx.error([], 'the stage file must be a mapping of fields (accountId: ..., region: ...)', 'see docs/stage-file.md');
    return { ctx };
  }
  const blownUp = pathBeyondNodes(parsed.value, parsed.nodeCount + MAX_ALIAS_EXPANSION);
  if (blownUp) {
    ctx.error(
      blownUp,
      `YAML aliases expand the file by more than ${MAX_ALIAS_EXPANSION} nodes (found here)`,
      'write the values out instead of repeating anchors (*name) of anchors',
    );
    return { ctx };
  }
  const checked = checkAgainstSchema(ctx, STAGE_SCHEMA, parsed.value, []) as Record<string, unknown>;
  const stage = normalizeStage(name, file, checked);
  for (const rule of STAGE_RULES) rule(ctx, stage, checked);
  if (previousKubernetesVersion) kubernetesUpgradeRule(ctx, stage, previousKubernetesVersion);
  return { ctx, stage: ctx.hasErrors ? undefined : stage };
}

/** A file reported by one error at `problem`, not checked any further. */
function problemOnly(file: string, text: string, problem: StageFileProblem): ParsedStage {
  const ctx = new FileContext(file, text, undefined);
  ctx.reportAt('error', problem.position.line, problem.position.column, '', problem.message, problem.fix);
  return { ctx };
}

/** Reads and parses one entry of the environments directory. */
function loadStageFile(abs: string, file: string, entry: string, options: LoadOptions): ParsedStage {
  if (!entry.endsWith('.yaml')) {
    return problemOnly(file, '', {
      position: { line: 1, column: 1 },
      message: `${file} does not end in .yaml; stage files are named <stage>.yaml`,
      fix: `rename it to ${entry.replace(/\.yml$/, '.yaml')}`,
    });
  }
  const read = readStageFile(abs, file);
  if ('problem' in read) return problemOnly(file, '', read.problem);
  const name = stageNameOfFile(entry) as string;
  return parseStage(name, file, read.text, options.previousKubernetesVersions?.get(name));
}

/**
 * Loads every stage of `environmentsDir`: all errors of all files at once, then the rules across
 * stages. Never throws for invalid content (only for an unreadable directory).
 */
export function loadStages(environmentsDir: string, options: LoadOptions = {}): LoadResult {
  const base = options.relativeTo ?? path.dirname(path.resolve(environmentsDir));
  const parsed = stageFiles(environmentsDir).map((entry) => {
    const abs = path.join(environmentsDir, entry);
    return loadStageFile(abs, relative(base, abs), entry, options);
  });
  crossStageRules(parsed);
  const diagnostics = [...parsed].sort((a, b) => a.ctx.file.localeCompare(b.ctx.file)).flatMap((p) => p.ctx.sorted());
  const stages = parsed.filter((p) => !p.ctx.hasErrors && p.stage).map((p) => p.stage as StageConfig);
  stages.sort((a, b) => a.name.localeCompare(b.name));
  return { stages, diagnostics, ok: !diagnostics.some((d) => d.severity === 'error') };
}

/** Loads one stage (with the cross-stage rules of its directory); throws `StageConfigError` when it is invalid or missing. */
export function loadStage(environmentsDir: string, name: string, options: LoadOptions = {}): StageConfig {
  const result = loadStages(environmentsDir, options);
  const stage = result.stages.find((s) => s.name === name);
  const own = result.diagnostics.filter((d) => stageNameOfFile(d.file) === name);
  if (stage && !own.some((d) => d.severity === 'error')) return stage;
  if (own.length === 0) {
    const known = result.stages.map((s) => s.name).join(', ') || 'none';
    throw new StageConfigError([
      {
        severity: 'error',
        file: relative(options.relativeTo ?? path.dirname(path.resolve(environmentsDir)), path.join(environmentsDir, `${name}.yaml`)),
        line: 1,
        column: 1,
        path: '',
        message: `no stage "${name}" (known stages: ${known})`,
        fix: `create it with \`mfctl stage new ${name}\``,
      },
    ]);
  }
  throw new StageConfigError(own);
}

function relative(base: string, abs: string): string {
  const rel = path.relative(base, path.resolve(abs));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(abs) : rel.split(path.sep).join('/');
}

/**
 * Rules across stages, reported on the later file (files in name order): derived names that must be
 * unique (the OIDC client id also names the secret `<clientId>/federate-client-secret`; the host is
 * the public URL), and VPC ranges shared within one account and region (they cannot be peered).
 */
function crossStageRules(parsed: readonly ParsedStage[]): void {
  const unique: { key: (s: StageConfig) => string; path: string[]; what: string; severity: Diagnostic['severity'] }[] = [
    { key: (s) => s.oidcConfig.clientId, path: ['oidcConfig', 'clientId'], what: 'OIDC client id', severity: 'error' },
    {
      key: (s) => s.oidcConfig.idpProviderName,
      path: ['oidcConfig', 'idpProviderName'],
      what: 'Cognito identity provider name',
      severity: 'error',
    },
    { key: (s) => stageHost(s.name, s.domain.parentDomain), path: ['domain', 'parentDomain'], what: 'stage host', severity: 'error' },
    { key: (s) => s.deploy.githubEnvironment, path: ['deploy', 'githubEnvironment'], what: 'GitHub environment', severity: 'error' },
  ];
  const withStage = parsed.filter((p): p is ParsedStage & { stage: StageConfig } => p.stage !== undefined);
  for (const rule of unique) {
    const seen = new Map<string, StageConfig>();
    for (const p of withStage) {
      const key = rule.key(p.stage);
      const first = seen.get(key);
      if (first) {
        p.ctx.report(
          rule.severity,
          rule.path,
          `${rule.what} "${key}" is also used by stage "${first.name}" (${first.sourceFile})`,
          `give this stage its own ${rule.what}`,
        );
      } else seen.set(key, p.stage);
    }
  }
  withStage.forEach((p, i) => {
    for (const other of withStage.slice(0, i)) {
      const a = p.stage;
      const b = other.stage;
      if (a.accountId !== b.accountId || a.region !== b.region) continue;
      const ca = parseCidr(a.network.vpcCidr);
      const cb = parseCidr(b.network.vpcCidr);
      if (typeof ca !== 'string' && typeof cb !== 'string' && cidrsOverlap(ca, cb)) {
        p.ctx.warning(
          ['network', 'vpcCidr'],
          `"${a.network.vpcCidr}" overlaps the VPC of stage "${b.name}" (${b.network.vpcCidr}) in the same account and region: the two VPCs cannot be peered or share a transit gateway`,
          'pick a distinct range, e.g. 10.1.0.0/16',
        );
      }
    }
  });
}
