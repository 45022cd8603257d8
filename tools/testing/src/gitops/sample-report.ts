import {
  addCounts,
  CfnTemplate,
  diffManifests,
  diffStack,
  DiffReport,
  emptyCounts,
  ManifestObject,
  REPORT_SCHEMA_VERSION,
  StageReport,
} from '@metaflow-gitops/gitops';

const DB: CfnTemplate['Resources'] = {
  DatabaseCluster5B53A178: {
    Type: 'AWS::RDS::DBCluster',
    DeletionPolicy: 'Retain',
    Properties: { Engine: 'aurora-postgresql', DatabaseName: 'metaflow' },
  },
  ArtifactBucket7410C9EF: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: {} },
};

/**
 * A stage report computed by the real diff functions from small templates: `destructive` renames
 * the database's logical ID; otherwise one stack gets a new queue and one manifest object changes.
 */
export function sampleStage(stage: string, opts: { destructive?: boolean; manifestObjects?: number } = {}): StageReport {
  const before: CfnTemplate = { Resources: { ...DB } };
  const resources: NonNullable<CfnTemplate['Resources']> = { ...DB, Queue: { Type: 'AWS::SQS::Queue', Properties: {} } };
  if (opts.destructive) {
    resources.MetadataDb0A1B2C3D = resources.DatabaseCluster5B53A178;
    delete resources.DatabaseCluster5B53A178;
  }
  const after: CfnTemplate = { Resources: resources };
  const stacks = [diffStack(`${stage}-vpc`, { Resources: {} }, { Resources: {} }), diffStack(`${stage}-data`, before, after)];
  const n = opts.manifestObjects ?? 1;
  const obj = (i: number, replicas: number): ManifestObject => ({
    id: `apps/Deployment metaflow/service-${i}`,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `service-${i}`, namespace: 'metaflow' },
      spec: { replicas, template: { spec: { containers: [{ name: 'c', image: `img:${i}` }] } } },
    },
  });
  const manifests = diffManifests(
    new Map(Array.from({ length: n }, (_, i) => [obj(i, 1).id, obj(i, 1)])),
    new Map(Array.from({ length: n }, (_, i) => [obj(i, 2).id, obj(i, 2)])),
  );
  return {
    stage,
    change: 'changed',
    reasons: [`stage file \`environments/${stage}.yaml\` changed`],
    facts: {
      accountId: '111111111111',
      region: 'eu-west-1',
      isProd: stage.startsWith('prod'),
      gpu: false,
      deployRole: `arn:aws:iam::111111111111:role/metaflow-gitops-deploy-${stage}`,
      githubEnvironment: stage,
      allowedGroups: [],
      accessPrincipals: [],
      allowedCidrs: ['0.0.0.0/0'],
      publicEndpoint: true,
      kubernetesVersion: '1.35',
    },
    access: [],
    crossStack: [],
    counts: stacks.reduce((a, s) => addCounts(a, s.counts), emptyCounts()),
    stacks,
    manifests,
    checks: {
      errors: 0,
      warnings: 1,
      findings: [{ severity: 'warning', source: 'cfn-lint', message: 'W3005 obsolete DependsOn', location: `${stage}-data/Queue` }],
      skipped: [],
    },
    destructive: stacks.flatMap((s) => s.destructive),
    errors: [],
    warnings: [],
  };
}

export function sampleReport(stages: StageReport[], extra: Partial<DiffReport> = {}): DiffReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: '2026-11-23T18:00:00.000Z',
    against: 'base',
    base: { ref: 'origin/main', sha: 'a'.repeat(40) },
    head: { sha: 'b'.repeat(40) },
    changedFiles: 1,
    stages,
    unaffected: [],
    removedStages: [],
    destructive: stages.some((s) => s.destructive.length > 0),
    durationSeconds: 12.3,
    ...extra,
  };
}
