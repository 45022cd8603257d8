import type { AssemblyStack } from '../synth/stage-assembly';
import { DEPLOYABILITY_RULES } from './deployability-rules';
import type { CheckFinding, CheckResult } from './types';

/** A finding accepted in the stage file (`deployability.acknowledge`), with the reason. */
export interface DeployabilityAcknowledgement {
  /** `<rule>` (every finding of the rule) or `<rule>[<stack kind>/<location>]`, e.g. `retained-fixed-name[data/MetadataDatabaseSecret]`. */
  readonly id: string;
  readonly reason: string;
}

export interface DeployabilityOptions {
  /** The stage name: stack names are `<stage>-<kind>`, acknowledgements name the kind. */
  readonly stage?: string;
  readonly manifests?: readonly unknown[];
  readonly acknowledgements?: readonly DeployabilityAcknowledgement[];
}

/** The id an acknowledgement uses for a finding: `<rule>[<stack kind>/<location>]`. */
export function findingId(f: CheckFinding, stage?: string): string {
  const stack = f.stack && stage && f.stack.startsWith(`${stage}-`) ? f.stack.slice(stage.length + 1) : f.stack;
  return `${f.rule}[${stack ?? '-'}/${f.location ?? '-'}]`;
}

/**
 * The deployability rules (`DEPLOYABILITY_RULES`) on a stage's templates and manifests. A finding
 * fails the check unless the stage file acknowledges it with a reason, like the cdk-nag
 * acknowledgements; an acknowledgement that matches nothing fails too (stale, or a typo).
 */
export function checkDeployability(stacks: readonly AssemblyStack[], options: DeployabilityOptions = {}): CheckResult {
  const all = DEPLOYABILITY_RULES.flatMap((rule) => rule({ stacks, manifests: options.manifests ?? [] }));
  const acks = options.acknowledgements ?? [];
  const used = new Set<string>();
  const findings: CheckFinding[] = [];
  const notes: string[] = [];
  for (const f of all) {
    const id = findingId(f, options.stage);
    const ack = acks.find((a) => a.id === id || a.id === f.rule);
    // Located by the id an acknowledgement would use.
    if (!ack) findings.push({ ...f, location: id });
    else {
      used.add(ack.id);
      notes.push(`acknowledged ${id}: ${ack.reason}`);
    }
  }
  for (const a of acks) {
    if (used.has(a.id)) continue;
    findings.push({
      rule: 'stale-acknowledgement',
      message: `deployability.acknowledge '${a.id}' matches no finding: remove it from the stage file or fix its id (ids look like ${all.length ? `'${findingId(all[0], options.stage)}'` : "'<rule>[<stack kind>/<logical id>]'"})`,
    });
  }
  return { name: 'deployability', status: findings.length > 0 ? 'fail' : 'pass', findings, notes };
}
