import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployOrder } from '../deploy/waves';
import { AssemblyError } from '@metaflow-gitops/stage-config';

/** One resource of a CloudFormation template. */
export interface CfnResource {
  Type: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; [key: string]: unknown }>;
  Parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One stack of a synthesized stage, as its cloud assembly (manifest.json and template file) describes it. */
export interface AssemblyStack {
  /** Artifact id: what toolkit stack selection patterns match. */
  readonly id: string;
  /** CloudFormation stack name. */
  readonly name: string;
  /** Names of the stacks of the same assembly this one depends on. */
  readonly dependsOn: readonly string[];
  /** Template file name, relative to the assembly directory. */
  readonly templateFile: string;
  /** Absolute path of the template. */
  readonly templatePath: string;
  /** Account and region of the stack's environment (`aws://<account>/<region>`), when concrete. */
  readonly account?: string;
  readonly region?: string;
  readonly terminationProtection: boolean;
  /** The template, parsed. */
  readonly template: CfnTemplate;
  /** Size of the template file in bytes. */
  readonly templateBytes: number;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly terminationProtection?: boolean };
  readonly dependencies?: string[];
}

/** Whether `dir` holds a cloud assembly (a manifest.json). */
export function isAssemblyDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'manifest.json'));
}

/**
 * The stacks of a cloud assembly directory, in deploy order (`deployOrder`: wave by wave), read
 * from its manifest.json and template files: no CDK, no second synthesis.
 */
export function readAssembly(assemblyDir: string): AssemblyStack[] {
  const dir = path.resolve(assemblyDir);
  if (!isAssemblyDir(dir)) {
    throw new AssemblyError(`${assemblyDir} is not a cloud assembly (no manifest.json): run 'mfctl synth' first`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = manifest.artifacts ?? {};
  const ids = Object.keys(artifacts).filter((id) => artifacts[id].type === 'aws:cloudformation:stack');
  const nameOf = (id: string) => artifacts[id].properties?.stackName ?? id;
  const stacks = ids.map((id): AssemblyStack => {
    const a = artifacts[id];
    const templateFile = a.properties?.templateFile ?? `${id}.template.json`;
    const templatePath = path.join(dir, templateFile);
    const text = fs.readFileSync(templatePath, 'utf8');
    const [, account, region] = /^aws:\/\/([^/]+)\/([a-z0-9-]+)$/.exec(a.environment ?? '') ?? [];
    return {
      id,
      name: nameOf(id),
      dependsOn: (a.dependencies ?? []).filter((d) => ids.includes(d)).map(nameOf),
      templateFile,
      templatePath,
      account: account === 'unknown-account' ? undefined : account,
      region: region === 'unknown-region' ? undefined : region,
      terminationProtection: a.properties?.terminationProtection ?? false,
      template: JSON.parse(text) as CfnTemplate,
      templateBytes: Buffer.byteLength(text),
    };
  });
  return deployOrder(stacks);
}
