import { KubeObject, RenderedManifests } from '@metaflow-gitops/constructs/k8s';

/** Every rendered object of a stage, in apply order. */
export function allObjects(rendered: RenderedManifests): KubeObject[] {
  return rendered.components.flatMap((c) => c.objects);
}

/** The one object of `kind` named `name`; throws (failing the test) when absent or ambiguous. */
export function findObject<T = Record<string, unknown>>(rendered: RenderedManifests, kind: string, name: string): KubeObject & T {
  const found = allObjects(rendered).filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} '${name}', found ${found.length}`);
  return found[0] as KubeObject & T;
}

export function component(rendered: RenderedManifests, name: string): KubeObject[] {
  const c = rendered.components.find((x) => x.name === name);
  if (!c) throw new Error(`no component '${name}'`);
  return c.objects;
}
