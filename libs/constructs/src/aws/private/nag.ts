import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InternalError } from '@metaflow-gitops/stage-config';

/** One cdk-nag acknowledgement: the rule (or `Rule[finding]`) and why it does not apply here. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag findings on a construct (and its children). Every acknowledgement carries a
 * reason: an empty or placeholder reason is a programming error, caught here rather than in review.
 */
export function acknowledge(scope: IConstruct, ...acks: NagAcknowledgement[]): void {
  for (const ack of acks) {
    if (ack.reason.trim().length < 20) {
      throw new InternalError(`cdk-nag acknowledgement '${ack.id}' on ${scope.node.path} needs a real reason (got '${ack.reason}')`);
    }
    Validations.of(scope).acknowledge({ id: ack.id, reason: ack.reason });
  }
}
