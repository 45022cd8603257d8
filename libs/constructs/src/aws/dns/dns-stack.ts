import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DomainConfig, stageHost } from '@metaflow-gitops/stage-config';
import { addStackOutputs } from '../private/stack-outputs';
import { StageStack, StageStackProps } from '../private/stage-stack';
import { pinLogicalId } from '../private/pin';

export interface DnsStackProps extends StageStackProps {
  /** Parent domain and how the stage zone is delegated from it. */
  readonly domain: DomainConfig;
}

/** NS records live two days in the parent zone (resolvers cache them that long anyway). */
const NS_TTL = cdk.Duration.days(2);

/**
 * The stage's hosted zone `<stage>.<parent>` and its NS delegation in the parent zone. Nothing here
 * waits on DNS resolution: with manual delegation the stack completes at once and its `NameServers`
 * output says what to add to the parent zone, before anything needs the delegation (the
 * DNS-validated certificate lives in the Ingress stack, which `mfctl deploy` starts only once the
 * delegation resolves).
 */
export class DnsStack extends StageStack {
  readonly zone: route53.IHostedZone;
  /** Whether the delegation is a Lambda-backed custom resource (cross-account only). */
  readonly usesCustomResource: boolean;

  constructor(scope: Construct, props: DnsStackProps) {
    super(scope, 'dns', { ...props, description: `Metaflow stage ${props.stage.name}: DNS zone and its delegation` });
    const host = stageHost(props.stage.name, props.domain.parentDomain);

    const zone = new route53.PublicHostedZone(this, 'HostedZone', { zoneName: host });
    // Always set on a zone created here (only imported zones lack it).
    const nameServers = zone.hostedZoneNameServers ?? [];
    // The zone holds the delegation and validation records: a replacement changes the name servers.
    zone.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);
    pinLogicalId(zone, 'StageHostedZone');
    this.zone = zone;

    const delegation = props.domain.delegation;
    this.usesCustomResource = delegation.mode === 'cross-account';
    if (delegation.mode === 'same-account') {
      // Native record in the parent zone: no custom resource, CloudFormation owns its lifecycle.
      new route53.CfnRecordSet(this, 'Delegation', {
        hostedZoneId: delegation.parentHostedZoneId,
        name: `${host}.`,
        type: 'NS',
        ttl: NS_TTL.toSeconds().toString(),
        resourceRecords: nameServers,
      });
    } else if (delegation.mode === 'cross-account') {
      // Another account owns the parent zone: only its delegation role can write there, which
      // CloudFormation cannot do natively (the one custom resource of a stage, listed by `mfctl check`).
      new route53.CrossAccountZoneDelegationRecord(this, 'Delegation', {
        delegatedZone: zone,
        parentHostedZoneId: delegation.parentHostedZoneId,
        delegationRole: iam.Role.fromRoleArn(this, 'DelegationRole', delegation.delegationRoleArn, { mutable: false }),
        ttl: NS_TTL,
        removalPolicy: cdk.RemovalPolicy.DESTROY,
      });
    }

    addStackOutputs(this, 'dns', {
      hostedZoneId: zone.hostedZoneId,
      hostedZoneName: host,
      // With manual delegation the operator acts on this output: its description says what to do.
      nameServers:
        delegation.mode === 'manual'
          ? {
              value: cdk.Fn.join(',', nameServers),
              description: `Add these as NS records for ${host} in the parent zone (manual delegation)`,
            }
          : cdk.Fn.join(',', nameServers),
    });
  }
}
