// The cdk8s side of the constructs library: a stage's cluster manifests, rendered and written.
export { renderStageManifests, writeManifests } from './render';
export type { KubeObject, RenderedManifests } from './render';
export type { HelmRelease } from './releases/helm-release';
