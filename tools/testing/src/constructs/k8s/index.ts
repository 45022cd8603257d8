export { KINDS_WITHOUT_SCHEMA, hasSchema, kindKey, schemaErrors } from './schemas';
export { sampleOutputs } from './outputs';
export { allObjects, component, findObject } from './find';
export { denials, kubectlAvailable, mutate } from './kyverno-emulation';
export type { DenyRule, MutateRule } from './kyverno-emulation';
