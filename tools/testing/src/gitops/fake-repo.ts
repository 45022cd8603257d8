import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './temp-repo';

/**
 * A stand-in for `mfctl synth|manifests` in plain JS, for tests of the diff engine and command. It
 * refuses to run with AWS keys or a GitHub token in its environment, and takes the database's logical
 * ID from a workspace library, so a wrong link (base running head's library) shows in the diff.
 */
const FAKE_MFCTL = `#!/usr/bin/env node
const fs = require('fs'); const path = require('path');
const [cmd, stage, flag, out] = process.argv.slice(2);
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ACCESS') || k === 'GITHUB_TOKEN') { console.error('credential leaked: ' + k); process.exit(3); }
const at = process.argv.indexOf('--environments');
const file = path.join(at > 0 ? process.argv[at + 1] : 'environments', stage + '.yaml');
if (!fs.existsSync(file)) { console.error('no stage ' + stage); process.exit(1); }
const text = fs.readFileSync(file, 'utf8');
if (text.includes('broken')) { console.error(file + ':1:1: broken stage'); process.exit(1); }
const maxCpu = Number(/maxCpu: (\\d+)/.exec(text)[1]);
const { dbId } = require('@metaflow-gitops/lib');
const pad = require('leftpad');
fs.mkdirSync(out, { recursive: true });
if (cmd === 'synth') {
  const res = { [dbId]: { Type: 'AWS::RDS::DBCluster', DeletionPolicy: 'Retain', Properties: { Engine: 'aurora-postgresql' } },
                Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: {} } };
  // A cloud assembly in <out>/<stage>/, as the real synth writes it: Data depends on Vpc.
  const dir = path.join(out, stage);
  fs.mkdirSync(dir, { recursive: true });
  const stack = (kind, deps) => ({ type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region',
    properties: { templateFile: stage + '-' + kind + '.template.json' }, dependencies: deps });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ artifacts: { [stage + '-vpc']: stack('vpc', []), [stage + '-data']: stack('data', [stage + '-vpc']) } }));
  fs.writeFileSync(path.join(dir, stage + '-data.template.json'), JSON.stringify({ Resources: res }));
  fs.writeFileSync(path.join(dir, stage + '-vpc.template.json'), JSON.stringify({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } } }));
} else if (cmd === 'manifests') {
  fs.writeFileSync(path.join(out, 'nodepools.yaml'), 'apiVersion: karpenter.sh/v1\\nkind: NodePool\\nmetadata:\\n  name: cpu\\nspec:\\n  limits:\\n    cpu: "' + pad(maxCpu) + '"\\n');
} else process.exit(2);
`;

/** Fills a TempRepo with a stage repository whose mfctl synthesizes from plain files (see FAKE_MFCTL). */
export function seedFakeRepo(repo: TempRepo): void {
  repo
    .write('.gitignore', 'node_modules/\n')
    .write('package.json', '{"name":"fake","private":true,"workspaces":["apps/*","libs/*"]}\n')
    .write('package-lock.json', '{}\n')
    .write('nx.json', '{"namedInputs":{"production":["{projectRoot}/**/*","{workspaceRoot}/package-lock.json"]}}\n')
    .write(
      'apps/cli/package.json',
      '{"name":"@metaflow-gitops/cli","dependencies":{"@metaflow-gitops/lib":"*"},"nx":{"tags":["type:app"]}}\n',
    )
    .write('apps/cli/bin/mfctl.js', FAKE_MFCTL)
    .write('libs/lib/package.json', '{"name":"@metaflow-gitops/lib","main":"index.js"}\n')
    .write('libs/lib/index.js', "exports.dbId = 'DatabaseCluster5B53A178';\n")
    .write('node_modules/leftpad/index.js', 'module.exports = (n) => String(n);\n')
    .write('environments/dev.yaml', 'compute:\n  cpu:\n    maxCpu: 100\n')
    .write('environments/prod.yaml', 'compute:\n  cpu:\n    maxCpu: 500\n');
  fs.mkdirSync(path.join(repo.dir, 'node_modules/@metaflow-gitops'), { recursive: true });
  fs.symlinkSync('../../libs/lib', path.join(repo.dir, 'node_modules/@metaflow-gitops/lib'));
  repo.commit('base');
}
