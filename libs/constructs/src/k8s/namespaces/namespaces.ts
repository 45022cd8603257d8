import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMESPACES } from '@metaflow-gitops/stage-config';

/**
 * Users' steps run in the jobs namespace: Kubernetes' own Pod Security Admission enforces the
 * baseline level there too (defense in depth next to the Kyverno policy) and warns about what
 * `restricted` would reject.
 */
export const JOBS_POD_SECURITY = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
} as const;

/**
 * Every namespace of the platform, created before anything is installed into it (the Helm
 * releases install into these, they do not create them).
 */
export function addNamespaces(scope: Construct): void {
  for (const [key, name] of Object.entries(NAMESPACES)) {
    new kplus.Namespace(scope, `ns-${key}`, { metadata: { name, labels: name === NAMESPACES.jobs ? JOBS_POD_SECURITY : undefined } });
  }
}
