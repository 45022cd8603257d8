import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ServiceAccountRef } from '@metaflow-gitops/stage-config';

export interface PodIdentityProps {
  readonly cluster: eks.ICluster;
  /** The cluster's name as a plain string (it scopes the role's trust policy). */
  readonly clusterName: string;
  /** The Kubernetes ServiceAccount (from the shared naming module) the role is for. */
  readonly serviceAccount: ServiceAccountRef;
  /** What the pods of this ServiceAccount may do, scoped to the stage's own resources. */
  readonly statements: iam.PolicyStatement[];
}

/**
 * One IAM role for one ServiceAccount through EKS Pod Identity: the role trusts the Pod Identity
 * service of this account, and only for this cluster, namespace and ServiceAccount (the session
 * tags Pod Identity sets), carries exactly `statements`, and a native
 * `AWS::EKS::PodIdentityAssociation` binds it to the ServiceAccount (no kubectl Lambda, no OIDC
 * provider custom resource).
 */
export class PodIdentity extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PodIdentityProps) {
    super(scope, id);
    const { serviceAccount: sa } = props;
    this.role = new iam.Role(this, 'Role', {
      description: `EKS Pod Identity role of ${sa.namespace}/${sa.name}`,
      assumedBy: new iam.SessionTagsPrincipal(
        new iam.ServicePrincipal('pods.eks.amazonaws.com').withConditions({
          StringEquals: {
            'aws:SourceAccount': cdk.Stack.of(this).account,
            'aws:RequestTag/eks-cluster-name': props.clusterName,
            'aws:RequestTag/kubernetes-namespace': sa.namespace,
            'aws:RequestTag/kubernetes-service-account': sa.name,
          },
        }),
      ),
      inlinePolicies: { access: new iam.PolicyDocument({ statements: props.statements }) },
    });
    new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.cluster.clusterName,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      roleArn: this.role.roleArn,
    });
  }
}
