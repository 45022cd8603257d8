import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as stageConfig from '@metaflow-gitops/stage-config';
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

interface StageConfigModule {
  loadStage?: (environmentsDir: string, name: string) => { name: string; domain: { parentDomain: string } };
  stageHost: (stage: string, parentDomain: string) => string;
}

/**
 * `--stage <name>`: the stage URL from `environments/<name>.yaml`, through the stage-config loader.
 * Only this path reads the repository; with a stage URL nothing outside the package is touched.
 */
export function stageUrlFromRepo(name: string, cwd: string): string {
  const root = findRepoRoot(cwd);
  if (!root) {
    throw new LoginError(`--stage works inside the metaflow-gitops repository (no environments/ above ${cwd}). Pass the stage URL instead, e.g. metaflow-login https://${name}.metaflow.example.com`, 2);
  }
  const mod = stageConfig as unknown as StageConfigModule;
  if (typeof mod.loadStage !== 'function') {
    throw new LoginError('this checkout of @metaflow-gitops/stage-config has no stage loader yet; pass the stage URL instead.', 2);
  }
  let config: ReturnType<NonNullable<StageConfigModule['loadStage']>>;
  try {
    config = mod.loadStage(join(root, 'environments'), name);
  } catch (err) {
    const diags = (err as { diagnostics?: unknown[] }).diagnostics;
    const format = (mod as { formatDiagnostic?: (d: unknown) => string }).formatDiagnostic;
    const detail = diags && format ? `\n${diags.map((d) => `  ${format(d)}`).join('\n')}` : ` (${(err as Error).message})`;
    throw new LoginError(`cannot load stage '${name}' from ${join(root, 'environments')}${detail}`, 2);
  }
  return `https://${mod.stageHost(config.name, config.domain.parentDomain)}`;
}
