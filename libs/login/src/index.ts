export * from './errors';
export * from './discovery';
export * from './files';
export * from './profile';
export * from './tokens';
export * from './kubeconfig';
export * from './oidc';
export * from './session';
export { main, run } from './main';
