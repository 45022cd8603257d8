import { NAMESPACES, clusterName } from '@metaflow-gitops/stage-config';
import { readClusterInventory } from '../../sync/execute';
import { Finding } from '../report';
import { DoctorCheck } from '../doctor-check';

interface Deployment {
  metadata: { name: string; namespace: string; generation?: number };
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** The namespaces of the platform's own workloads (users' task pods run in `metaflow-jobs`). */
const PLATFORM_NAMESPACES: readonly string[] = Object.values(NAMESPACES).filter((n) => n !== NAMESPACES.jobs);

function notReady(d: Deployment): string | undefined {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if (d.metadata.generation !== undefined && (s.observedGeneration ?? 0) < d.metadata.generation)
    return 'its latest spec is not rolled out yet';
  if ((s.updatedReplicas ?? 0) < want) return `${s.updatedReplicas ?? 0}/${want} replicas updated`;
  if ((s.readyReplicas ?? 0) < want) return `${s.readyReplicas ?? 0}/${want} replicas ready`;
  if ((s.availableReplicas ?? 0) < want) return `${s.availableReplicas ?? 0}/${want} replicas available`;
  return undefined;
}

/**
 * Every Deployment of the platform namespaces is rolled out with all replicas ready (the metadata
 * service's readiness probe is its `/healthcheck`, which queries the database), and every
 * Deployment the last sync applied (its inventory) still exists. Read with `kubectl get`.
 */
export const platformDeploymentsCheck: DoctorCheck = {
  id: 'platform-deployments',
  title: "the cluster's platform deployments are rolled out and ready",
  async run(ctx) {
    const stage = ctx.config.name;
    const context = ctx.kubeContext ? ['--context', ctx.kubeContext] : [];
    const unobservable = (what: string): Finding => ({
      check: 'platform-deployments',
      status: 'unknown',
      summary: what,
      fix: `kubectl needs a context for the cluster and read access (aws eks update-kubeconfig --name ${clusterName(stage)} --region ${ctx.config.region}, and an access entry for your role: cluster.accessPrincipals with access view)`,
    });
    const r = ctx.run('kubectl', [...context, 'get', 'deployments', '--all-namespaces', '-o', 'json']);
    // kubectl's last line says why (client-side log lines come first).
    if (r.code !== 0) return unobservable(`kubectl get deployments failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop()}`);
    const items = (JSON.parse(r.stdout) as { items?: Deployment[] }).items ?? [];
    const inventory = readClusterInventory(ctx.run, ctx.kubeContext);
    if (!inventory)
      return {
        check: 'platform-deployments',
        status: 'fail',
        summary: 'the cluster was never synced (no inventory ConfigMap)',
        fix: `mfctl sync ${stage}`,
      };
    const have = new Set(items.map((d) => `${d.metadata.namespace}/${d.metadata.name}`));
    const missing = inventory.objects
      .filter((o) => o.kind === 'Deployment' && !have.has(`${o.namespace}/${o.name}`))
      .map((o) => `${o.namespace}/${o.name}: missing (the last sync applied it)`);
    const unready = items
      .filter((d) => PLATFORM_NAMESPACES.includes(d.metadata.namespace))
      .map((d) => [d, notReady(d)] as const)
      .filter(([, why]) => why !== undefined)
      .map(([d, why]) => `${d.metadata.namespace}/${d.metadata.name}: ${why}`);
    const platform = items.filter((d) => PLATFORM_NAMESPACES.includes(d.metadata.namespace)).length;
    if (missing.length + unready.length === 0)
      return {
        check: 'platform-deployments',
        status: 'ok',
        summary: `${platform} platform deployments ready (last sync ${inventory.syncedAt})`,
      };
    return {
      check: 'platform-deployments',
      status: 'fail',
      summary: `${missing.length + unready.length} of the platform's deployments are missing or not ready`,
      details: [...missing, ...unready],
      fix: `kubectl -n <namespace> describe deployment <name> and its pods' events say why (image pull, crash loop, no node capacity); mfctl sync ${stage} re-applies what is missing`,
    };
  },
};
