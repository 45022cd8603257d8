// The checks as the rest of the library uses them: run them all, read a synthesized assembly.
export { deployOrder, readAssemblyStacks, readTemplate } from './assembly';
export { runChecks } from './run-checks';
export type { ChecksReport } from './types';
