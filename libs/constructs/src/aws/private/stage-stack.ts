import * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StackKind, StageConfig, STAGE_TAG, stackName } from '@metaflow-gitops/stage-config';

/** What every stack of a stage needs to know about the stage, beyond its own slice. */
export interface StageStackProps {
  /** The stage this stack belongs to (name, account, region, isProd, zones, tags). */
  readonly stage: Pick<StageConfig, 'name' | 'accountId' | 'region' | 'isProd' | 'tags'> & {
    readonly network: Pick<StageConfig['network'], 'availabilityZones'>;
  };
}

/**
 * Base class of the six stacks: pins the environment to the stage's account and region, answers
 * `availabilityZones` from the stage file instead of a context lookup (hermetic synth), turns on
 * termination protection for prod and tags every resource with the stage.
 */
export abstract class StageStack extends cdk.Stack {
  readonly stageName: string;
  private readonly zones: string[];

  protected constructor(scope: Construct, kind: StackKind, props: StageStackProps & { readonly description: string }) {
    const { stage } = props;
    super(scope, stackName(stage.name, kind), {
      env: { account: stage.accountId, region: stage.region },
      terminationProtection: stage.isProd,
      description: props.description,
    });
    this.stageName = stage.name;
    this.zones = [...stage.network.availabilityZones];
    cdk.Tags.of(this).add(STAGE_TAG, stage.name);
    for (const [key, value] of Object.entries(stage.tags)) cdk.Tags.of(this).add(key, value);
  }

  /** The stage file's zones: without this override the CDK records an `availability-zones` context lookup. */
  override get availabilityZones(): string[] {
    return this.zones;
  }
}
