import * as fs from 'node:fs';
import * as path from 'node:path';
import { structuredPatch } from 'diff';
import * as yaml from 'js-yaml';
import { InputError } from '@metaflow-gitops/stage-config';

/** A rendered object (Kubernetes object or Helm release) keyed by a stable identity. */
export interface ManifestObject {
  /** `<group>/<Kind> <namespace>/<name>`, or `HelmRelease <namespace>/<name>`. */
  readonly id: string;
  readonly body: unknown;
}

export interface ObjectChange {
  readonly id: string;
  readonly action: 'added' | 'changed' | 'removed';
  /** Compact unified diff of the YAML (changed objects only; Secret values redacted). */
  readonly patch?: string;
}

export interface ManifestDiff {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly objects: readonly ObjectChange[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function identify(doc: Json): string | undefined {
  const meta = isObject(doc.metadata) ? doc.metadata : undefined;
  if (typeof doc.kind === 'string' && typeof doc.apiVersion === 'string' && typeof meta?.name === 'string') {
    const group = doc.apiVersion.includes('/') ? doc.apiVersion.split('/')[0] : 'core';
    return `${group}/${doc.kind} ${typeof meta.namespace === 'string' ? meta.namespace : '-'}/${meta.name}`;
  }
  if (typeof doc.name === 'string' && typeof doc.chart === 'string') {
    return `HelmRelease ${typeof doc.namespace === 'string' ? doc.namespace : '-'}/${doc.name}`;
  }
  return undefined;
}

/** Secret values never reach a PR comment: keep the keys, hide the values. */
function redact(doc: Json): Json {
  if (doc.kind !== 'Secret') return doc;
  const out: Json = { ...doc };
  for (const field of ['data', 'stringData']) {
    if (isObject(doc[field])) out[field] = Object.fromEntries(Object.keys(doc[field] as Json).map((k) => [k, '<redacted>']));
  }
  return out;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Reads every object of a rendered manifests directory (`mfctl manifests --out DIR`): YAML files
 * (multi-document) and JSON files (an object or a list, e.g. the Helm release list). Objects are
 * keyed by identity, so the same release listed in `releases.json` and `releases.yaml` counts once.
 */
export function readManifestDir(dir: string): Map<string, ManifestObject> {
  const objects = new Map<string, ManifestObject>();
  for (const file of walk(dir)) {
    const ext = path.extname(file);
    if (!['.yaml', '.yml', '.json'].includes(ext)) continue;
    const text = fs.readFileSync(file, 'utf8');
    let docs: unknown[];
    try {
      docs = ext === '.json' ? [JSON.parse(text)] : yaml.loadAll(text);
    } catch (err) {
      throw new InputError(`cannot parse ${path.relative(dir, file)}: ${(err as Error).message}`);
    }
    for (const doc of docs.flatMap((d) => (Array.isArray(d) ? d : [d]))) {
      if (!isObject(doc)) continue;
      if (doc.kind === 'List' && Array.isArray(doc.items)) {
        for (const item of doc.items) if (isObject(item)) add(objects, item);
      } else add(objects, doc);
    }
  }
  return objects;
}

function add(objects: Map<string, ManifestObject>, doc: Json): void {
  const id = identify(doc);
  if (id) objects.set(id, { id, body: redact(doc) });
}

function dump(body: unknown): string {
  return yaml.dump(body, { sortKeys: true, lineWidth: 160, noRefs: true });
}

/** A unified diff without file headers, `context` lines around each change. */
export function compactPatch(before: string, after: string, context = 2): string {
  const patch = structuredPatch('before', 'after', before, after, undefined, undefined, { context });
  return patch.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n')).join('\n');
}

export function diffManifests(before: Map<string, ManifestObject>, after: Map<string, ManifestObject>): ManifestDiff {
  const objects: ObjectChange[] = [];
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    if (!b) objects.push({ id, action: 'added' });
    else if (!a) objects.push({ id, action: 'removed' });
    else {
      const [db, da] = [dump(b.body), dump(a.body)];
      if (db !== da) objects.push({ id, action: 'changed', patch: compactPatch(db, da) });
    }
  }
  return {
    added: objects.filter((o) => o.action === 'added').length,
    changed: objects.filter((o) => o.action === 'changed').length,
    removed: objects.filter((o) => o.action === 'removed').length,
    objects,
  };
}
