import { databaseConnectionHolders, RELEASES_IDLE_CONNECTIONS } from './database-pause';

const workload = (name: string, over: { replicas?: number; env?: string[]; annotations?: Record<string, string>; kind?: string } = {}) => ({
  apiVersion: 'apps/v1',
  kind: over.kind ?? 'Deployment',
  metadata: { name, namespace: 'metaflow', ...(over.annotations ? { annotations: over.annotations } : {}) },
  spec: {
    replicas: over.replicas ?? 1,
    template: { spec: { containers: [{ name, env: (over.env ?? ['MF_METADATA_DB_HOST']).map((n) => ({ name: n, value: 'x' })) }] } },
  },
});

describe('databaseConnectionHolders', () => {
  it('running workloads given the database host hold a connection', () => {
    expect(
      databaseConnectionHolders([workload('metaflow-metadata'), workload('metaflow-ui-backend'), workload('ui', { env: ['OTHER'] })]),
    ).toEqual(['Deployment metaflow/metaflow-metadata', 'Deployment metaflow/metaflow-ui-backend']);
  });

  it('not when scaled to zero, not when annotated to release idle connections, not a Job', () => {
    expect(
      databaseConnectionHolders([
        workload('a', { replicas: 0 }),
        workload('b', { annotations: { [RELEASES_IDLE_CONNECTIONS]: 'true' } }),
        workload('c', { kind: 'Job' }),
      ]),
    ).toEqual([]);
    expect(databaseConnectionHolders([workload('d', { annotations: { [RELEASES_IDLE_CONNECTIONS]: 'false' } })])).toHaveLength(1);
  });
});
