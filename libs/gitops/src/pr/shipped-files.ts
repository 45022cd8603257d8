import { minimatch } from 'minimatch';
import { git } from './git';
import { InputError } from '@metaflow-gitops/stage-config';

/** Reads the workspace as it is at one commit (or on disk): a file's text, and the subdirectories of a directory. */
export interface WorkspaceReader {
  /** The text of a repo-relative file, or undefined when there is none. */
  readonly read: (path: string) => string | undefined;
  /** Names of the subdirectories of a repo-relative directory (none when it does not exist). */
  readonly subdirectories: (dir: string) => string[];
}

/** One Nx project, as its `package.json` declares it. */
interface Project {
  readonly root: string;
  readonly name: string;
  readonly tags: readonly string[];
  /** Names of the workspace packages it lists under `dependencies` (devDependencies do not ship). */
  readonly dependencies: readonly string[];
  readonly namedInputs: Record<string, unknown>;
}

/** The tag of the projects the product is run from: the CDK app, the manifests app and `mfctl`. */
const APP_TAG = 'type:app';

function readJson(reader: WorkspaceReader, path: string): Record<string, unknown> {
  const text = reader.read(path);
  if (text === undefined)
    throw new InputError(`${path} not found: the shipped files are computed from nx.json and the projects' package.json`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The projects of the npm workspaces of the root package.json (`dir/*` or `dir/name` entries). */
function projects(reader: WorkspaceReader): Project[] {
  const workspaces = (readJson(reader, 'package.json').workspaces ?? []) as string[];
  const roots = workspaces.flatMap((w) => {
    if (!w.includes('*')) return [w];
    const m = /^([^*]+)\/\*$/.exec(w);
    if (!m) throw new InputError(`package.json workspaces: "${w}" is not supported here; use "dir/*" or a plain path`);
    return reader.subdirectories(m[1]).map((d) => `${m[1]}/${d}`);
  });
  const found: Project[] = [];
  for (const root of roots) {
    const text = reader.read(`${root}/package.json`);
    if (text === undefined) continue;
    const pkg = JSON.parse(text) as {
      name: string;
      dependencies?: Record<string, string>;
      nx?: { tags?: string[]; namedInputs?: Record<string, unknown> };
    };
    found.push({
      root,
      name: pkg.name,
      tags: pkg.nx?.tags ?? [],
      dependencies: Object.keys(pkg.dependencies ?? {}),
      namedInputs: pkg.nx?.namedInputs ?? {},
    });
  }
  return found;
}

/** The apps and every project they depend on, transitively through `dependencies`. */
function shippedProjects(all: readonly Project[]): Project[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Set<Project>();
  const visit = (p: Project) => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const dep of p.dependencies) {
      const q = byName.get(dep);
      if (q) visit(q);
    }
  };
  all.filter((p) => p.tags.includes(APP_TAG)).forEach(visit);
  return [...seen];
}

/** The file patterns of a named input, expanded through the named inputs it refers to (project ones first). */
function filePatterns(name: string, project: Project, nxInputs: Record<string, unknown>, trail: string[] = []): string[] {
  if (trail.includes(name)) throw new InputError(`nx.json namedInputs: "${name}" refers to itself (${[...trail, name].join(' -> ')})`);
  const entries = project.namedInputs[name] ?? nxInputs[name];
  if (!Array.isArray(entries))
    throw new InputError(`nx.json namedInputs: "${name}" is not defined (used by ${trail.join(' -> ') || 'affected'})`);
  return entries.flatMap((entry: unknown) => {
    if (typeof entry !== 'string') {
      throw new InputError(
        `nx.json namedInputs.${name}: ${JSON.stringify(entry)} is not a file pattern; the shipped files are computed from file patterns only`,
      );
    }
    const negated = entry.startsWith('!');
    const body = negated ? entry.slice(1) : entry;
    if (!body.startsWith('{projectRoot}/') && !body.startsWith('{workspaceRoot}/')) {
      if (negated) throw new InputError(`nx.json namedInputs.${name}: "${entry}" negates a named input; negate file patterns only`);
      return filePatterns(body, project, nxInputs, [...trail, name]);
    }
    const pattern = body.replace('{projectRoot}', project.root).replace('{workspaceRoot}/', '');
    return [negated ? `!${pattern}` : pattern];
  });
}

/**
 * Which repo-relative paths the product ships: the files of the Nx `production` named input of the
 * apps (projects tagged `type:app`) and of the projects they depend on. Computed from nx.json and
 * the projects' package.json, so tests, test doubles, benches and rehearsal code never count.
 */
export function shippedFiles(reader: WorkspaceReader): (path: string) => boolean {
  const nxInputs = (readJson(reader, 'nx.json').namedInputs ?? {}) as Record<string, unknown>;
  const matchers = shippedProjects(projects(reader)).map((project) => {
    const patterns = filePatterns('production', project, nxInputs);
    const include = patterns.filter((p) => !p.startsWith('!'));
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    return (path: string) =>
      include.some((p) => minimatch(path, p, { dot: true })) && !exclude.some((p) => minimatch(path, p, { dot: true }));
  });
  return (path) => matchers.some((ships) => ships(path));
}

/** The workspace as committed at `commit` (its file list read once). */
export function workspaceAt(repoDir: string, commit: string): WorkspaceReader {
  let files: Set<string> | undefined;
  const listed = () => (files ??= new Set(git(repoDir, ['ls-tree', '-r', '--name-only', '-z', commit]).split('\0')));
  return {
    read: (path) => (listed().has(path) ? git(repoDir, ['show', `${commit}:${path}`]) : undefined),
    subdirectories: (dir) => [
      ...new Set(
        [...listed()]
          .filter((p) => p.startsWith(`${dir}/`))
          .map((p) => p.slice(dir.length + 1).split('/'))
          .filter((parts) => parts.length > 1)
          .map((parts) => parts[0]),
      ),
    ],
  };
}
