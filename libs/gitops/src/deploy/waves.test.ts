import { isAssemblyError } from '@metaflow-gitops/stage-config';
import { thrownBy } from '@metaflow-gitops/testing/errors';
import { planDeployWaves, planDestroyWaves, formatWaves } from './waves';

const stage = [
  { name: 's-vpc', dependsOn: [] },
  { name: 's-dns', dependsOn: [] },
  { name: 's-data', dependsOn: ['s-vpc'] },
  { name: 's-auth', dependsOn: ['s-dns'] },
  { name: 's-eks', dependsOn: ['s-vpc', 's-data'] },
  { name: 's-ingress', dependsOn: ['s-eks', 's-dns'] },
];

describe('planDeployWaves', () => {
  it('puts every stack after all of its dependencies, independent stacks together', () => {
    expect(planDeployWaves(stage)).toEqual([['s-vpc', 's-dns'], ['s-data', 's-auth'], ['s-eks'], ['s-ingress']]);
  });

  it('is a single wave per stack for a chain', () => {
    expect(
      planDeployWaves([
        { name: 'a', dependsOn: [] },
        { name: 'b', dependsOn: ['a'] },
        { name: 'c', dependsOn: ['b'] },
      ]),
    ).toEqual([['a'], ['b'], ['c']]);
  });

  it('reverses for destroy', () => {
    expect(planDestroyWaves(stage)[0]).toEqual(['s-ingress']);
    expect(planDestroyWaves(stage).at(-1)).toEqual(['s-vpc', 's-dns']);
  });

  it('names the stacks of a cycle (an assembly error)', () => {
    const err = thrownBy(() =>
      planDeployWaves([
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['a'] },
        { name: 'c', dependsOn: [] },
      ]),
    );
    expect(isAssemblyError(err)).toBe(true);
    expect(err.message).toBe('dependency cycle between stacks: a, b');
  });

  it('rejects a dependency outside the stage, saying to synthesize again', () => {
    const err = thrownBy(() => planDeployWaves([{ name: 'a', dependsOn: ['zz'] }]));
    expect(isAssemblyError(err)).toBe(true);
    expect(err).toMatchObject({
      code: 'assembly',
      message: "stack 'a' depends on 'zz', which is not part of the stage",
      fix: 'synthesize the stage again (mfctl synth)',
    });
  });

  it('formats waves for progress output', () => {
    expect(formatWaves([['a', 'b'], ['c']])).toBe('1: a, b | 2: c');
  });
});
