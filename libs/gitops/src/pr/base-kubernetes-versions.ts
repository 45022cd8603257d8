import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStages } from '@metaflow-gitops/stage-config';
import { git, mergeBase, resolveCommit } from './git';
import { stageFilesTree } from './worktree';

/**
 * The Kubernetes version of every valid stage at the merge-base of `baseRef` and HEAD: what the
 * stages run once the base branch is deployed, against which `mfctl validate --base` checks each
 * version change. `environmentsDir` is the working tree's stage directory, inside the repository.
 */
export function baseKubernetesVersions(environmentsDir: string, baseRef: string): Map<string, string> {
  const abs = path.resolve(environmentsDir);
  const repoDir = git(abs, ['rev-parse', '--show-toplevel']).trim();
  const environments = path.relative(fs.realpathSync(repoDir), fs.realpathSync(abs)).split(path.sep).join('/');
  const base = mergeBase(repoDir, resolveCommit(repoDir, baseRef), 'HEAD');
  // A base without the stage directory has no stages yet: every stage is new.
  if (git(repoDir, ['ls-tree', '--name-only', base, '--', environments]).trim() === '') return new Map();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfctl-base-versions-'));
  try {
    const tree = stageFilesTree(repoDir, base, scratch, environments);
    return new Map(loadStages(path.join(tree.dir, environments)).stages.map((s) => [s.name, s.cluster.kubernetesVersion]));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
