import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StackKind, StageConfig } from '@metaflow-gitops/stage-config';
import { buildStage, createStageApp, StageStacks } from '@metaflow-gitops/constructs';

/** Test helper: one stage built into a fresh app, with a lazily synthesized Template per stack. */
export interface BuiltStage {
  readonly app: cdk.App;
  readonly stacks: StageStacks;
  template(kind: StackKind): Template;
}

export function buildTestStage(config: StageConfig): BuiltStage {
  const app = createStageApp();
  const stacks = buildStage(app, config);
  const cache = new Map<StackKind, Template>();
  // Synthesize now: cross-stack references (and so stack dependencies) are resolved at synthesis.
  app.synth();
  return {
    app,
    stacks,
    template(kind) {
      const template = cache.get(kind) ?? Template.fromStack(stacks[kind]);
      cache.set(kind, template);
      return template;
    },
  };
}
