import * as path from 'node:path';
import { NAMESPACES, SERVICE_ACCOUNTS, loadStages, placeholderOutputs } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { KubeObject, RenderedManifests, renderStageManifests } from './render';
import { KINDS_WITHOUT_SCHEMA, hasSchema, kindKey, sampleOutputs, schemaErrors } from '@metaflow-gitops/testing/constructs/k8s';

const config = makeStageConfig({ name: 'dev' });
let deployed: RenderedManifests;
let pending: RenderedManifests;
const all = (r: RenderedManifests): KubeObject[] => r.components.flatMap((c) => c.objects);

beforeAll(() => {
  deployed = renderStageManifests(config, sampleOutputs('dev'));
  pending = renderStageManifests(config, placeholderOutputs());
});

describe('schema validation', () => {
  it.each([
    ['deployed outputs', () => deployed],
    ['placeholder outputs', () => pending],
  ])('every object with a published schema validates (%s)', (_label, rendered) => {
    const failures = all(rendered())
      .filter(hasSchema)
      .map((o) => [`${kindKey(o)} ${o.metadata.name}`, schemaErrors(o)])
      .filter(([, err]) => err !== undefined);
    expect(failures).toEqual([]);
  });

  it('validates against the schemas for real (a broken object is rejected)', () => {
    const deployment = all(deployed).find((o) => o.kind === 'Deployment')!;
    expect(schemaErrors({ ...deployment, spec: { replicas: 'two' } })).toMatch(/replicas must be integer/);
  });

  it('leaves only the pinned kinds without a schema', () => {
    const unvalidated = [
      ...new Set(
        all(deployed)
          .filter((o) => !hasSchema(o))
          .map(kindKey),
      ),
    ].sort();
    expect(unvalidated).toEqual([...KINDS_WITHOUT_SCHEMA].sort());
  });
});

describe('objects', () => {
  it('names every object once per kind and namespace', () => {
    const keys = all(deployed).map((o) => `${kindKey(o)}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(keys.every((k) => !k.endsWith('/'))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('labels every object with the stage', () => {
    for (const o of all(deployed)) {
      expect((o.metadata.labels as Record<string, string>)['metaflow-gitops/stage']).toBe('dev');
    }
  });

  it('renders every namespace that an object, a subject, a release or a ServiceAccount refers to', () => {
    const rendered = new Set(
      all(deployed)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata.name),
    );
    const referenced = new Set<string>();
    for (const o of all(deployed)) {
      if (o.metadata.namespace) referenced.add(o.metadata.namespace);
      for (const s of (o.subjects as { namespace?: string }[] | undefined) ?? []) if (s.namespace) referenced.add(s.namespace);
    }
    const text = JSON.stringify(all(deployed));
    for (const m of text.matchAll(/"kubernetes\.io\/metadata\.name":"([^"]+)"/g)) referenced.add(m[1]);
    for (const m of text.matchAll(/"namespaces":\["([^"\]]+)"\]/g)) referenced.add(m[1]);
    for (const r of deployed.releases) referenced.add(r.namespace);
    for (const sa of Object.values(SERVICE_ACCOUNTS)) referenced.add(sa.namespace);
    referenced.delete('kube-system');
    expect([...referenced].filter((n) => !rendered.has(n))).toEqual([]);
    expect(rendered).toEqual(new Set(Object.values(NAMESPACES)));
  });

  it('puts the namespaces first and the migrations before the services they migrate', () => {
    const names = deployed.components.map((c) => c.name);
    expect(names[0]).toBe('namespaces');
    expect(names.indexOf('metaflow-migrations')).toBeLessThan(names.indexOf('metaflow'));
    expect(names.indexOf('secrets')).toBeLessThan(names.indexOf('metaflow-migrations'));
    expect(names.indexOf('service-accounts')).toBeLessThan(names.indexOf('metaflow-migrations'));
  });
});

describe('security properties', () => {
  function containers(o: KubeObject): { name: string; image: string; env?: { name: string; value?: string; valueFrom?: unknown }[] }[] {
    const spec = (o.spec as { template?: { spec?: { containers?: never[]; initContainers?: never[] } } }).template?.spec;
    return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  }
  const workloads = () => all(deployed).filter((o) => o.kind === 'Deployment' || o.kind === 'Job');

  it('renders no Secret objects: every secret comes through External Secrets', () => {
    expect(all(deployed).filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(
      all(deployed)
        .filter((o) => o.kind === 'ExternalSecret')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['metaflow-database', 'metaflow-gateway-oidc']);
  });

  it('passes secret-looking settings only through secretKeyRef, never as literals', () => {
    const sensitive = /(PSWD|PASSWORD|SECRET|TOKEN|API_KEY|AUTH_KEY|HEADERS)/i;
    const literals = workloads()
      .flatMap(containers)
      .flatMap((c) => c.env ?? [])
      .filter((e) => sensitive.test(e.name) && e.value !== undefined);
    expect(literals).toEqual([]);
    const pswd = workloads()
      .flatMap(containers)
      .flatMap((c) => c.env ?? [])
      .filter((e) => e.name === 'MF_METADATA_DB_PSWD');
    expect(pswd.length).toBeGreaterThan(0);
    for (const e of pswd) expect(e.valueFrom).toEqual({ secretKeyRef: { name: 'metaflow-database', key: 'password' } });
  });

  it('contains no secret value, key material or secret-bearing output anywhere', () => {
    const text = JSON.stringify(deployed);
    expect(text).not.toMatch(/-----BEGIN|"password"\s*:\s*"[^"]|"client-secret"\s*:\s*"[^"]/i);
    // The gateway client secret's ARN appears only in its ExternalSecret (a reference, not the value).
    const withArn = all(deployed).filter((o) => JSON.stringify(o).includes(sampleOutputs('dev').gatewayClientSecretArn));
    expect(withArn.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ExternalSecret/metaflow-gateway-oidc']);
  });

  it('sets no METAFLOW_SERVICE_HEADERS on any container', () => {
    expect(
      workloads()
        .flatMap(containers)
        .flatMap((c) => c.env ?? [])
        .map((e) => e.name),
    ).not.toContain('METAFLOW_SERVICE_HEADERS');
  });

  it('pins every image to a version, never :latest', () => {
    const images = workloads()
      .flatMap(containers)
      .map((c) => c.image);
    expect(images.length).toBeGreaterThan(3);
    for (const image of images) expect(image).toMatch(/^[^:]+(:[0-9A-Za-z][\w.-]*)$/);
    expect(images.filter((i) => /:latest$/.test(i))).toEqual([]);
    const bus = all(deployed).find((o) => o.kind === 'EventBus')!;
    expect((bus.spec as { jetstream: { version: string } }).jetstream.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const r of deployed.releases) expect(r.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });
});

describe('the repository stage files', () => {
  // The loader and the render together, on the stage files a fresh clone has (example, prod-example).
  const environments = path.resolve(__dirname, '../../../../environments');
  let stages: { name: string; gpu: boolean; rendered: RenderedManifests[] }[];

  beforeAll(() => {
    const loaded = loadStages(environments);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    stages = loaded.stages.map((s) => ({
      name: s.name,
      gpu: s.compute.gpu !== undefined,
      rendered: [renderStageManifests(s, sampleOutputs(s.name, s.accountId, s.region)), renderStageManifests(s, placeholderOutputs())],
    }));
  });

  it('finds the example stages', () => {
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['example', 'prod-example']));
  });

  it('renders every stage file into objects that all pass schema validation', () => {
    const failures = stages
      .flatMap((s) =>
        s.rendered.flatMap((r) =>
          all(r)
            .filter(hasSchema)
            .map((o) => [`${s.name} ${kindKey(o)} ${o.metadata.name}`, schemaErrors(o)]),
        ),
      )
      .filter(([, err]) => err !== undefined);
    expect(failures).toEqual([]);
  });

  it('renders the GPU pool exactly for the stages that declare one', () => {
    for (const s of stages) {
      expect(all(s.rendered[0]).some((o) => o.kind === 'NodePool' && o.metadata.name === 'metaflow-gpu')).toBe(s.gpu);
    }
  });
});
