import * as cdk from 'aws-cdk-lib';
import { OUTPUTS, StackKind, StackOutputName, outputsOfStack } from '@metaflow-gitops/stage-config';

/** The value of one output, or its value and a description that replaces the contract's. */
export type StackOutputValue = string | { readonly value: string; readonly description: string };

/**
 * Declares the CfnOutputs of a stack from the outputs contract (`OUTPUTS`): each output's id and
 * description come from there, in its order; the stack gives the values, and its type asks for
 * exactly the outputs of that stack.
 */
export function addStackOutputs<K extends StackKind>(
  stack: cdk.Stack,
  kind: K,
  values: { readonly [N in StackOutputName<K>]: StackOutputValue },
): void {
  for (const name of outputsOfStack(kind) as StackOutputName<K>[]) {
    const given = values[name];
    const { value, description } = typeof given === 'string' ? { value: given, description: OUTPUTS[name].description } : given;
    new cdk.CfnOutput(stack, OUTPUTS[name].outputKey, { value, description });
  }
}
