export * from './render';
export * from './releases/helm-release';
export { CHARTS, stageReleases } from './releases/releases';
export type { StageContext } from './context';
export { stageContext } from './context';
