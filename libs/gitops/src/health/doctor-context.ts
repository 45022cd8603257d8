import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StageConfig, StageOutputs, stageHost } from '@metaflow-gitops/stage-config';
import { lookupPublicNs } from '../deploy/delegation';
import { describeStageStacks, liveStageOutputs } from '../private/live-stacks';
import { ToolRunner, spawnRunner } from '../sync/execute';
import { HttpGet, boundedGet } from './private/http';

/** The AWS clients the checks read with, in the stage's region (standard SDK environment otherwise). */
export interface DoctorAws {
  readonly cfn: CloudFormationClient;
  readonly acm: ACMClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly secrets: SecretsManagerClient;
  readonly rds: RDSClient;
  readonly ec2: EC2Client;
}

/** Everything a doctor check reads from: the stage, AWS, public DNS, HTTPS and the cluster. */
export interface DoctorContext {
  readonly config: StageConfig;
  /** `<stage>.<parentDomain>`. */
  readonly host: string;
  readonly aws: DoctorAws;
  /** The stage's six stacks as CloudFormation describes them (undefined: no such stack). Read once. */
  stacks(): Promise<ReadonlyMap<string, Stack | undefined>>;
  /** The stage's outputs from the live stacks; throws naming the missing ones. */
  outputs(): Promise<StageOutputs>;
  /** NS records public DNS answers for a name (`[]`: none); throws when DNS cannot be asked. */
  readonly resolveNs: (name: string) => Promise<string[]>;
  readonly httpGet: HttpGet;
  /** Runs kubectl (and nothing else) against the cluster. */
  readonly run: ToolRunner;
  /** kube context of the stage's cluster (default: the current one). */
  readonly kubeContext?: string;
  /** A user's access token (`metaflow-login token <stage>`): lets the gateway check reach the metadata service itself. */
  readonly token?: string;
}

export type DoctorOverrides = Partial<Omit<DoctorContext, 'config' | 'host'>>;

export function doctorAws(region: string): DoctorAws {
  return {
    cfn: new CloudFormationClient({ region }),
    acm: new ACMClient({ region }),
    cognito: new CognitoIdentityProviderClient({ region }),
    secrets: new SecretsManagerClient({ region }),
    rds: new RDSClient({ region }),
    ec2: new EC2Client({ region }),
  };
}

/** The context `mfctl doctor` runs with: real clients, public DNS, HTTPS, kubectl; tests override parts. */
export function doctorContext(config: StageConfig, overrides: DoctorOverrides = {}): DoctorContext {
  const aws = overrides.aws ?? doctorAws(config.region);
  let stacks: Promise<ReadonlyMap<string, Stack | undefined>> | undefined;
  const readStacks = overrides.stacks ?? (() => (stacks ??= describeStageStacks(aws.cfn, config.name)));
  const outputs = overrides.outputs ?? (async () => liveStageOutputs(config.name, await readStacks()));
  return {
    config,
    host: stageHost(config.name, config.domain.parentDomain),
    aws,
    stacks: readStacks,
    outputs,
    resolveNs: overrides.resolveNs ?? lookupPublicNs,
    httpGet: overrides.httpGet ?? boundedGet,
    run: overrides.run ?? spawnRunner,
    kubeContext: overrides.kubeContext,
    token: overrides.token,
  };
}
