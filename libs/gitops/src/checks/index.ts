// What `mfctl synth` and `mfctl check` need, without the toolkit, the AWS SDK or the PR code:
// run the checks, read a synthesized assembly in deploy order.
export { runChecks } from './run-checks';
export type { ChecksReport } from './types';
export type { DeployabilityAcknowledgement, DeployabilityOptions } from './deployability';
export { readAssembly } from '../synth/stage-assembly';
export type { AssemblyStack, CfnTemplate } from '../synth/stage-assembly';
