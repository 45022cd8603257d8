import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputFromEnv, synth } from './main';

const repoEnvironments = path.resolve(__dirname, '../../../environments');
const hasExample = fs.existsSync(path.join(repoEnvironments, 'example.yaml'));
if (!hasExample) process.stderr.write(`k8s-manifests: ${repoEnvironments}/example.yaml is missing; the synth test is skipped\n`);

describe('k8s-manifests app', () => {
  it('reads its inputs the way cdk8s synth passes them', () => {
    expect(inputFromEnv({ STAGE: 'example', OUTPUTS_FILE: 'o.json' }, '/repo/apps/k8s-manifests')).toEqual({
      stage: 'example',
      environmentsDir: '/repo/environments',
      outputsFile: '/repo/apps/k8s-manifests/o.json',
      outDir: '/repo/apps/k8s-manifests/dist',
    });
    expect(() => inputFromEnv({}, '/repo/apps/k8s-manifests')).toThrow('set STAGE');
  });

  (hasExample ? it : it.skip)('renders the example stage with placeholders', () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-app-'));
    try {
      const rendered = synth({ stage: 'example', environmentsDir: repoEnvironments, outDir });
      expect(fs.readdirSync(outDir)).toContain('metaflow.yaml');
      expect(rendered.components.find((c) => c.name === 'gateway')!.objects.length).toBeGreaterThan(5);
      expect(fs.readFileSync(path.join(outDir, 'gateway.yaml'), 'utf8')).toContain('PLACEHOLDERS');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
