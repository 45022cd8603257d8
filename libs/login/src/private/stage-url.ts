import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDiagnostic, loadStage, StageConfigError, stageHost, type StageConfig } from '@metaflow-gitops/stage-config';
import { LoginError } from './errors';

/** The repository root above `cwd`: the directory holding `environments/` and `nx.json`. */
export function findRepoRoot(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    if (existsSync(join(dir, 'environments')) && existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * `--stage <name>`: the stage URL (`https://<stageHost>`) from `environments/<name>.yaml`, through
 * the stage-config loader. Only this path reads the repository; with a stage URL nothing outside the
 * package is touched, which is what the standalone package is for.
 */
export function stageUrlFromRepo(name: string, cwd: string): string {
  const root = findRepoRoot(cwd);
  if (!root) {
    throw new LoginError(
      `--stage works inside the metaflow-gitops repository (no environments/ and nx.json above ${cwd}). ` +
        `Pass the stage URL instead, e.g. metaflow-login https://${name}.<parent domain>`,
      2,
    );
  }
  let config: StageConfig;
  try {
    config = loadStage(join(root, 'environments'), name, { relativeTo: root });
  } catch (err) {
    if (err instanceof StageConfigError) {
      const lines = err.diagnostics.filter((d) => d.severity === 'error').map((d) => `  ${formatDiagnostic(d)}`);
      throw new LoginError(`cannot load stage '${name}':\n${lines.join('\n')}`, 2);
    }
    throw err;
  }
  return `https://${stageHost(config.name, config.domain.parentDomain)}`;
}
