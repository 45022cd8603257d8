/** How one stack looks to the fake: missing, in sync, drifted (with its resource drifts), or not detectable. */
export interface FakeStack {
  readonly state: 'missing' | 'IN_SYNC' | 'DRIFTED' | 'FAILED';
  /** DescribeStackResourceDrifts pages (DRIFTED). */
  readonly drifts?: readonly Record<string, unknown>[][];
  /** DescribeStacks outputs. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Status reads answering DETECTION_IN_PROGRESS before the result. @default 1 */
  readonly inProgress?: number;
}

/**
 * A CloudFormation double for drift detection: moto (the local AWS emulator the other tests use)
 * implements none of DetectStackDrift, DescribeStackDriftDetectionStatus and
 * DescribeStackResourceDrifts. It answers those and DescribeStacks like the service, by command
 * name, and records every call (`calls`), so a test also sees that nothing but reads and detection ran.
 */
export class FakeDriftCloudFormation {
  readonly calls: string[] = [];
  private readonly polls = new Map<string, number>();

  constructor(private readonly stacks: Readonly<Record<string, FakeStack>>) {}

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    const stackOf = (s: string) => {
      const st = this.stacks[s];
      if (!st || st.state === 'missing') throw Object.assign(new Error(`Stack with id ${s} does not exist`), { name: 'ValidationError' });
      return st;
    };
    this.calls.push(`${name} ${String(input.StackName ?? input.StackDriftDetectionId)}`);
    switch (name) {
      case 'DetectStackDrift':
        stackOf(String(input.StackName));
        return { StackDriftDetectionId: `detection-${String(input.StackName)}` };
      case 'DescribeStackDriftDetectionStatus': {
        const stack = String(input.StackDriftDetectionId).replace(/^detection-/, '');
        const st = stackOf(stack);
        const seen = this.polls.get(stack) ?? 0;
        this.polls.set(stack, seen + 1);
        if (seen < (st.inProgress ?? 1)) return { DetectionStatus: 'DETECTION_IN_PROGRESS' };
        if (st.state === 'FAILED')
          return {
            DetectionStatus: 'DETECTION_FAILED',
            StackDriftStatus: 'UNKNOWN',
            DetectionStatusReason: 'access denied for some resources',
          };
        return {
          DetectionStatus: 'DETECTION_COMPLETE',
          StackDriftStatus: st.state,
          DriftedStackResourceCount: (st.drifts ?? []).flat().length,
        };
      }
      case 'DescribeStackResourceDrifts': {
        const pages = stackOf(String(input.StackName)).drifts ?? [[]];
        const i = input.NextToken ? Number(input.NextToken) : 0;
        return { StackResourceDrifts: pages[i], ...(i + 1 < pages.length ? { NextToken: String(i + 1) } : {}) };
      }
      case 'DescribeStacks': {
        const st = stackOf(String(input.StackName));
        return { Stacks: [{ Outputs: Object.entries(st.outputs ?? {}).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
      }
      default:
        throw new Error(`fake CloudFormation: unexpected ${name}`);
    }
  }
}
