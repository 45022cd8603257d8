import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from '@metaflow-gitops/testing/gitops';
import { captureIo } from '@metaflow-gitops/testing/cli';
import { main } from '../main';

const ROOT = path.resolve(__dirname, '../../../..');
const example = fs.readFileSync(path.join(ROOT, 'environments/example.yaml'), 'utf8');

/** A symbolic link and a `.yml` file in environments/: every command refuses them with the same located error. */
describe('stage files that are not regular .yaml files', () => {
  let repo: TempRepo;
  const LINK = 'environments/linked.yaml:1:1: environments/linked.yaml is a symbolic link; a stage file must be a regular file';
  const YML = 'environments/short.yml:1:1: environments/short.yml does not end in .yaml; stage files are named <stage>.yaml';

  beforeAll(() => {
    repo = new TempRepo();
    repo.write('package.json', '{}\n').write('nx.json', '{}\n').write('environments/example.yaml', example);
    repo.write('environments/short.yml', example.replace('accountId: "111111111111"', 'accountId: "222222222222"'));
    fs.symlinkSync('example.yaml', path.join(repo.dir, 'environments/linked.yaml'));
    repo.commit('stages');
  });
  afterAll(() => repo.cleanup());

  it('validate fails with the located errors', async () => {
    const io = captureIo({}, repo.dir);
    expect(await main(['validate'], io)).toBe(1);
    expect(io.err()).toContain(LINK);
    expect(io.err()).toContain(YML);
  });

  it('affected --matrix refuses them with the same errors', async () => {
    for (const [stage, line] of [
      ['linked', LINK],
      ['short', YML],
    ]) {
      const io = captureIo({}, repo.dir);
      await expect(main(['affected', '--stage', stage, '--matrix'], io)).resolves.toBe(1);
      expect(io.err()).toContain(line);
    }
  });

  it('a command on one stage refuses it with the same error', async () => {
    const io = captureIo({}, repo.dir);
    expect(await main(['synth', 'linked', '--out', path.join(repo.dir, 'out')], io)).toBe(1);
    expect(io.err()).toContain(LINK);
  });
});

describe('mfctl stage list | head -1', () => {
  jest.setTimeout(60_000);

  it('exits quietly when the reader closes the pipe (EPIPE)', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, '../../bin/mfctl.js'), 'stage', 'list'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // closed before mfctl writes its first line
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
