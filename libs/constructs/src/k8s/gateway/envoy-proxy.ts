import { Construct } from 'constructs';
import type { IEnvoyProxy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/EnvoyProxy';
import { GATEWAY, NAMESPACES } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { PLATFORM_PLACEMENT } from '../compute/platform-pool';
import { typedObject } from '../private/api-object';

const LB = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * How Envoy Gateway exposes the stage's proxies: a LoadBalancer Service that EKS Auto Mode turns
 * into an internet-facing NLB (`loadBalancerClass: eks.amazonaws.com/nlb`). The NLB terminates TLS
 * on 443 with the stage's ACM certificate and forwards plain HTTP; only `ingress.allowedCidrs` may
 * connect (source ranges plus the Ingress stack's security group).
 *
 * Prod runs three Envoy replicas and keeps one through voluntary disruptions. A non-prod stage runs
 * one, requesting what an idle proxy uses instead of Envoy Gateway's default (100m CPU, 512Mi), and
 * no PodDisruptionBudget: with one replica it would block every node drain.
 */
export function addEnvoyProxy(scope: Construct, ctx: StageContext): void {
  const pod = { ...PLATFORM_PLACEMENT };
  typedObject<IEnvoyProxy>(scope, 'envoy-proxy', {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: { name: GATEWAY.envoyProxy, namespace: NAMESPACES.envoyGateway },
    spec: {
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          ...(ctx.config.isProd
            ? { envoyDeployment: { replicas: 3, pod }, envoyPDB: { minAvailable: 1 } }
            : { envoyDeployment: { replicas: 1, pod, container: { resources: { requests: { cpu: '50m', memory: '128Mi' } } } } }),
          envoyService: {
            type: 'LoadBalancer',
            loadBalancerClass: 'eks.amazonaws.com/nlb',
            externalTrafficPolicy: 'Cluster',
            loadBalancerSourceRanges: [...ctx.config.ingress.allowedCidrs],
            annotations: {
              [`${LB}scheme`]: 'internet-facing',
              [`${LB}nlb-target-type`]: 'ip',
              [`${LB}ssl-cert`]: ctx.outputs.certificateArn,
              [`${LB}ssl-ports`]: '443',
              [`${LB}ssl-negotiation-policy`]: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
              [`${LB}backend-protocol`]: 'tcp',
              [`${LB}security-groups`]: ctx.outputs.loadBalancerSecurityGroupId,
              [`${LB}manage-backend-security-group-rules`]: 'true',
            },
          },
        },
      },
    },
  });
}
