import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffManifests, readManifestDir } from './manifest-diff';

describe('manifests diff', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfg-k8s-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function dir(name: string, files: Record<string, string>): string {
    const d = path.join(root, name);
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
      fs.writeFileSync(path.join(d, f), text);
    }
    return d;
  }

  const release = (version: string) =>
    JSON.stringify([
      {
        name: 'argo-workflows',
        namespace: 'argo',
        chart: 'argo-workflows',
        repository: 'https://argoproj.github.io/argo-helm',
        version,
        values: {},
      },
    ]);

  const before = dir('before', {
    'metaflow.yaml':
      '# placeholder outputs\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: metaflow\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: metadata\n  namespace: metaflow\nspec:\n  replicas: 1\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: metaflow\nstringData:\n  password: hunter2\n',
    'old.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n  namespace: metaflow\n',
    'releases.json': release('0.45.0'),
    'releases.yaml':
      '- name: argo-workflows\n  namespace: argo\n  chart: argo-workflows\n  repository: https://argoproj.github.io/argo-helm\n  version: 0.45.0\n  values: {}\n',
  });
  const after = dir('after', {
    'metaflow.yaml':
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: metaflow\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: metadata\n  namespace: metaflow\nspec:\n  replicas: 2\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: metaflow\nstringData:\n  password: correct-horse\n',
    'nested/list.yaml':
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: argo-workflow\n      namespace: metaflow\n',
    'releases.json': release('0.45.1'),
  });

  it('reads YAML (multi-document, List) and JSON release lists, keyed by identity', () => {
    expect([...readManifestDir(before).keys()].sort()).toEqual([
      'HelmRelease argo/argo-workflows',
      'apps/Deployment metaflow/metadata',
      'core/ConfigMap metaflow/gone',
      'core/Namespace -/metaflow',
      'core/Secret metaflow/s',
    ]);
    expect(readManifestDir(after).has('core/ServiceAccount metaflow/argo-workflow')).toBe(true);
  });

  it('reports added, changed (with a compact patch) and removed objects, and never shows Secret values', () => {
    const d = diffManifests(readManifestDir(before), readManifestDir(after));
    expect({ added: d.added, changed: d.changed, removed: d.removed }).toEqual({ added: 1, changed: 2, removed: 1 });
    expect(d.objects.map((o) => [o.id, o.action])).toEqual([
      ['HelmRelease argo/argo-workflows', 'changed'],
      ['apps/Deployment metaflow/metadata', 'changed'],
      ['core/ConfigMap metaflow/gone', 'removed'],
      ['core/ServiceAccount metaflow/argo-workflow', 'added'],
    ]);
    expect(d.objects[0].patch).toContain('-version: 0.45.0\n+version: 0.45.1');
    expect(d.objects[1].patch).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    expect(d.objects[1].patch).toContain('-  replicas: 1\n+  replicas: 2');
    expect(JSON.stringify(d)).not.toMatch(/hunter2|correct-horse/);
  });

  it('names the file it cannot parse', () => {
    const bad = dir('bad', { 'x.yaml': 'a: [\n' });
    expect(() => readManifestDir(bad)).toThrow(/cannot parse x.yaml/);
  });
});
