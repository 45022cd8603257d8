import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createStageApp } from '@metaflow-gitops/constructs';
import { buildInfraApp, InvalidStagesError } from './main';

const ENVIRONMENTS = path.resolve(__dirname, '../../../environments');

test('every stage of environments/ becomes six stacks; synthesis passes cdk-nag (which fails synth on findings)', () => {
  const app = createStageApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'infra-')) });
  expect(buildInfraApp(app, ENVIRONMENTS)).toEqual(['example', 'prod-example']);
  const assembly = app.synth();
  expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(
    ['auth', 'data', 'dns', 'eks', 'ingress', 'vpc'].flatMap((k) => [`example-${k}`, `prod-example-${k}`]).sort(),
  );
});

test('-c stage=<name> builds one stage; an unknown or invalid stage is refused with located errors', () => {
  const app = createStageApp();
  expect(buildInfraApp(app, ENVIRONMENTS, 'example')).toEqual(['example']);
  expect(() => buildInfraApp(createStageApp(), ENVIRONMENTS, 'nope')).toThrow("no stage 'nope'");

  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'envs-'));
  fs.cpSync(ENVIRONMENTS, broken, { recursive: true });
  const file = path.join(broken, 'example.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('region: us-west-2', 'region: mars-1'));
  expect(() => buildInfraApp(createStageApp(), broken, 'example')).toThrow(InvalidStagesError);
  expect(() => buildInfraApp(createStageApp(), broken, 'example')).toThrow(/example\.yaml:\d+:\d+: region: /);
});
