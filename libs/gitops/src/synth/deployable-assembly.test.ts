import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STACK_KINDS, isAssemblyError, stackName } from '@metaflow-gitops/stage-config';
import { makeStageConfig } from '@metaflow-gitops/testing/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';
import { deployableAssembly } from './deployable-assembly';

const config = makeStageConfig({ name: 'dev', accountId: '111111111111', region: 'eu-west-1' });

/** A cloud assembly of `stage`'s six stacks in `<root>/<stage>/`, as `mfctl synth --out <root>` writes it. */
function assembly(root: string, stage: string, env = 'aws://111111111111/eu-west-1'): string {
  const dir = path.join(root, stage);
  fs.mkdirSync(dir, { recursive: true });
  const artifacts: Record<string, unknown> = {};
  for (const kind of STACK_KINDS) {
    const name = stackName(stage, kind);
    artifacts[name] = { type: 'aws:cloudformation:stack', environment: env, properties: { templateFile: `${name}.template.json` } };
    fs.writeFileSync(path.join(dir, `${name}.template.json`), '{"Resources":{}}');
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ artifacts }));
  return dir;
}

describe('deployableAssembly (--assembly)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deployable-'));
  const outdir = path.join(root, 'unused');

  it("takes the stage's assembly directory, or the --out root holding it, as is", () => {
    const dir = assembly(path.join(root, 'checked'), 'dev');
    expect(deployableAssembly(config, { assembly: dir, outdir })).toBe(dir);
    expect(deployableAssembly(config, { assembly: path.join(root, 'checked'), outdir })).toBe(dir);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("refuses another stage's assembly, naming what it holds and what the stage needs", () => {
    const dir = assembly(path.join(root, 'other'), 'prod');
    const err = thrownBy(() => deployableAssembly(config, { assembly: dir, outdir }));
    expect(isAssemblyError(err)).toBe(true);
    expect(err.message).toContain(
      `--assembly ${dir} is not stage 'dev': it holds prod-vpc, prod-dns, prod-data, prod-auth, prod-eks, prod-ingress, the stage needs dev-vpc, dev-dns, dev-data, dev-auth, dev-eks, dev-ingress.`,
    );
  });

  it('refuses an assembly synthesized for another account or region', () => {
    const dir = assembly(path.join(root, 'moved'), 'dev', 'aws://222222222222/eu-west-1');
    expect(() => deployableAssembly(config, { assembly: dir, outdir })).toThrow(
      /dev-vpc deploys to aws:\/\/222222222222\/eu-west-1, but .* says aws:\/\/111111111111\/eu-west-1/,
    );
  });

  it('refuses a directory that is no cloud assembly', () => {
    const empty = fs.mkdtempSync(path.join(root, 'empty-'));
    expect(() => deployableAssembly(config, { assembly: empty, outdir })).toThrow(
      `--assembly ${empty}: neither it nor ${path.join(empty, 'dev')} is a cloud assembly (no manifest.json)`,
    );
  });
});
