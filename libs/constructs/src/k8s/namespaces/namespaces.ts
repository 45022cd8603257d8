import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMESPACES } from '@metaflow-gitops/stage-config';

/**
 * Every namespace of the platform, created before anything is installed into it (the Helm
 * releases install into these, they do not create them).
 */
export function addNamespaces(scope: Construct): void {
  for (const [key, name] of Object.entries(NAMESPACES)) {
    new k8s.KubeNamespace(scope, `ns-${key}`, { metadata: { name } });
  }
}
