export * from './render';
export * from './context';
export * from './releases/helm-release';
export * from './releases/releases';
