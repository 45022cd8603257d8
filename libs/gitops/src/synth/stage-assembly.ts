import { CachedCloudAssembly, MemoryContext, Toolkit } from '@aws-cdk/toolkit-lib';
import * as cdk from 'aws-cdk-lib';
import type { StackKind, StageConfig } from '@metaflow-gitops/stage-config';
import { StackNode } from '../deploy/waves';

/**
 * Builds a stage's stacks into a CDK app: `buildStage` from `@metaflow-gitops/constructs`
 * (libs/constructs/src/aws/stage-app.ts) in production, a small fixture app in tests.
 */
export type StageBuilder = (app: cdk.App, config: StageConfig) => Partial<Record<StackKind, cdk.Stack>> | Record<string, cdk.Stack>;

/** A synthesized stack as the delivery actions need it. */
export interface SynthesizedStack extends StackNode {
  readonly id: string;
  /** The CloudFormation template (parsed). */
  readonly template: StackTemplate;
  readonly terminationProtection: boolean;
}

export interface StackTemplate {
  readonly Resources?: Record<
    string,
    { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties?: Record<string, unknown> }
  >;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface StageAssembly {
  /** Pass this to toolkit actions: it holds the synthesized assembly (no second synthesis). */
  readonly source: CachedCloudAssembly;
  /** The stage's stacks in assembly order. */
  readonly stacks: SynthesizedStack[];
  readonly directory: string;
}

/**
 * Synthesizes a stage hermetically (no lookups, in-memory context: DESIGN.md "Hermetic synth")
 * into `outdir` through the toolkit, once; every later action reuses the returned assembly.
 */
export async function synthStage(toolkit: Toolkit, config: StageConfig, build: StageBuilder, outdir: string): Promise<StageAssembly> {
  const cx = await toolkit.fromAssemblyBuilder(
    async (props) => {
      const app = new cdk.App({ outdir: props.outdir ?? outdir, context: props.context });
      build(app, config);
      return app.synth();
    },
    { outdir, lookups: false, contextStore: new MemoryContext(), disposeOutdir: false },
  );
  const source = await toolkit.synth(cx);
  const artifacts = source.cloudAssembly.stacksRecursively;
  const byId = new Map(artifacts.map((a) => [a.id, a.stackName]));
  const stacks = artifacts.map((a) => ({
    id: a.id,
    name: a.stackName,
    dependsOn: a.dependencies.map((d) => byId.get(d.id)).filter((n): n is string => n !== undefined),
    template: a.template as StackTemplate,
    terminationProtection: a.terminationProtection ?? false,
  }));
  return { source, stacks, directory: source.cloudAssembly.directory };
}
