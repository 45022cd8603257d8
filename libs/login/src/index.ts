// What the repository uses of metaflow-login: mfctl's `login` command delegates to `main`; the
// deploy rehearsal (tools/testing) checks a deployed stage's discovery document and kubeconfig entry.
export { main } from './main';
export { validateDiscovery } from './discovery';
export { contextName, stageEntries } from './kubeconfig';
