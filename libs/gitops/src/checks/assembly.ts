import * as fs from 'node:fs';
import * as path from 'node:path';

/** One stack of a synthesized stage, as read from the cloud assembly's manifest.json. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly templateFile: string;
  /** Absolute path of the template. */
  readonly templatePath: string;
  /** Stack names this stack depends on (from the manifest). */
  readonly dependencies: string[];
  /** Region of the stack's environment (`aws://<account>/<region>`), when it has one. */
  readonly region?: string;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
  readonly dependencies?: string[];
  readonly displayName?: string;
}

/** Reads the stacks of a cloud assembly directory (no CDK needed: plain manifest.json). */
export function readAssemblyStacks(assemblyDir: string): AssemblyStack[] {
  const manifestPath = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json): run 'mfctl synth' first`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  const artifacts = manifest.artifacts ?? {};
  const stackIds = new Set(Object.keys(artifacts).filter((id) => artifacts[id].type === 'aws:cloudformation:stack'));
  return [...stackIds].map((id) => {
    const a = artifacts[id];
    const templateFile = a.properties?.templateFile ?? `${id}.template.json`;
    return {
      stackName: a.properties?.stackName ?? id,
      templateFile,
      templatePath: path.join(assemblyDir, templateFile),
      dependencies: (a.dependencies ?? []).filter((d) => stackIds.has(d)),
      region: /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(a.environment ?? '')?.[1],
    };
  });
}

/**
 * Stacks in deploy order: dependencies first; among stacks free to go, `preferred` order (e.g. the
 * seed's Vpc, Dns, Data, Auth, Eks, Ingress), then name order, so the output is stable.
 */
export function deployOrder(stacks: readonly AssemblyStack[], preferred: readonly string[] = []): AssemblyStack[] {
  const rank = (name: string) => {
    const i = preferred.indexOf(name);
    return i < 0 ? preferred.length : i;
  };
  const compare = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
  const byName = new Map(stacks.map((s) => [s.stackName, s]));
  const done = new Set<string>();
  const out: AssemblyStack[] = [];
  const visit = (s: AssemblyStack, trail: string[]) => {
    if (done.has(s.stackName)) return;
    if (trail.includes(s.stackName)) throw new Error(`dependency cycle: ${[...trail, s.stackName].join(' -> ')}`);
    for (const d of [...s.dependencies].sort(compare)) {
      const dep = byName.get(d);
      if (dep) visit(dep, [...trail, s.stackName]);
    }
    done.add(s.stackName);
    out.push(s);
  };
  for (const s of [...stacks].sort((a, b) => compare(a.stackName, b.stackName))) visit(s, []);
  return out;
}

export interface Template {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
}

export function readTemplate(stack: AssemblyStack): { template: Template; bytes: number } {
  const text = fs.readFileSync(stack.templatePath, 'utf8');
  return { template: JSON.parse(text) as Template, bytes: Buffer.byteLength(text) };
}
