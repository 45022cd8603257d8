import { Finding } from '../report';
import { DoctorCheck } from '../doctor-check';

/** States a deploy cannot go on from, or that say the last change failed. */
function verdict(status: string): 'ok' | 'fail' | 'unknown' {
  if (/_IN_PROGRESS$/.test(status)) return 'unknown';
  if (/FAILED|ROLLBACK/.test(status)) return 'fail';
  return status.endsWith('_COMPLETE') ? 'ok' : 'unknown';
}

function fixFor(name: string, status: string, stage: string): string {
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED')
    return `the stack's creation failed and it cannot be updated: delete it (aws cloudformation delete-stack --stack-name ${name}), then mfctl deploy ${stage}; the reason is the first CREATE_FAILED event (aws cloudformation describe-stack-events --stack-name ${name})`;
  if (status === 'DELETE_FAILED')
    return `an earlier teardown stopped here: see the retained-leftovers finding for what holds it, remove that, then mfctl teardown ${stage} --confirm ${stage} (or delete the stack) before deploying again`;
  if (status === 'UPDATE_ROLLBACK_FAILED')
    return `continue the rollback (aws cloudformation continue-update-rollback --stack-name ${name}, skipping the resources it names), then mfctl deploy ${stage}`;
  return `the last deploy of this stack failed and was rolled back: find the reason in its events (aws cloudformation describe-stack-events --stack-name ${name}), fix it and mfctl deploy ${stage}`;
}

/** Each of the six stacks exists and is in a settled, successful state (no FAILED, no ROLLBACK). */
export const stacksCheck: DoctorCheck = {
  id: 'stacks',
  title: 'the six stacks exist and are not in a failed or rolled-back state',
  async run(ctx) {
    const stage = ctx.config.name;
    const findings: Finding[] = [];
    for (const [name, stack] of await ctx.stacks()) {
      const check = `stacks:${name}`;
      if (!stack) {
        findings.push({ check, status: 'fail', summary: `${name} is not deployed`, fix: `mfctl deploy ${stage}` });
        continue;
      }
      const status = String(stack.StackStatus);
      const v = verdict(status);
      const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
      findings.push({
        check,
        status: v,
        summary: `${name} is ${status}${v === 'ok' ? '' : reason}`,
        fix:
          v === 'fail'
            ? fixFor(name, status, stage)
            : v === 'unknown'
              ? 'a deploy or teardown is running on this stack: run the doctor again when it has finished'
              : undefined,
      });
    }
    return findings;
  },
};
