import type { IIoHost, IoMessage, IoRequest } from '@aws-cdk/toolkit-lib';

/** What happened to one stack during a deploy or destroy, as observed through the toolkit's messages. */
export interface StackProgress {
  readonly stackName: string;
  /** Milliseconds since the action started. */
  startedAt?: number;
  finishedAt?: number;
  status: 'pending' | 'in-progress' | 'deployed' | 'no-op' | 'destroyed' | 'failed';
  /** The first resource CloudFormation reported as failed, with its reason. */
  failure?: ResourceFailure;
}

export interface ResourceFailure {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly reason: string;
}

export interface DeliveryIoHostOptions {
  /** Where progress lines go (one line per call, without trailing newline). */
  readonly print: (line: string) => void;
  /** Where toolkit errors and warnings go. @default print */
  readonly printError?: (line: string) => void;
  /** Also print every CloudFormation resource event. @default false */
  readonly verbose?: boolean;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

// Message codes of @aws-cdk/toolkit-lib 1.40.1 (lib/api/io/private/messages.js).
const CODES = {
  deployStart: 'CDK_TOOLKIT_I5100',
  deployResult: 'CDK_TOOLKIT_I5900',
  stackActivity: 'CDK_TOOLKIT_I5502',
  destroyStart: 'CDK_TOOLKIT_I7100',
  destroyResult: 'CDK_TOOLKIT_I7900',
  destroyFailed: 'CDK_TOOLKIT_E7900',
  deployConfirm: 'CDK_TOOLKIT_I5060',
  destroyConfirm: 'CDK_TOOLKIT_I7010',
  rollbackConfirm: 'CDK_TOOLKIT_I5050',
  bootstrapProgress: 'CDK_TOOLKIT_I9100',
  bootstrapResult: 'CDK_TOOLKIT_I9900',
} as const;

/** Cancellations are consequences of the real failure, never its cause. */
const CONSEQUENTIAL = /cancelled|The following resource\(s\) failed to/i;

/**
 * The IoHost of every delivery action: never prompts (the commands take their confirmations up
 * front: `--confirm <stage>` for teardown; deploys never ask, like `requireApproval: never`),
 * prints one progress line per stack transition with the elapsed time, and records per stack what
 * happened, including the first failed resource and CloudFormation's reason.
 */
export class DeliveryIoHost implements IIoHost {
  readonly stacks = new Map<string, StackProgress>();
  private readonly now: () => number;
  private readonly t0: number;

  constructor(private readonly options: DeliveryIoHostOptions) {
    this.now = options.now ?? Date.now;
    this.t0 = this.now();
  }

  /** Seconds since this host was created. */
  elapsed(): number {
    return (this.now() - this.t0) / 1000;
  }

  line(text: string): void {
    this.options.print(`[${this.elapsed().toFixed(1).padStart(6)}s] ${text}`);
  }

  async notify(msg: IoMessage<unknown>): Promise<void> {
    const data = msg.data as Record<string, unknown> | undefined;
    switch (msg.code) {
      case CODES.deployStart:
      case CODES.destroyStart: {
        const name = artifactName(data?.stack);
        if (name) this.start(name, msg.code === CODES.deployStart ? 'deploying' : 'destroying');
        return;
      }
      case CODES.deployResult: {
        const name = nameFromArn(data?.stackArn);
        if (name) this.finish(name, data?.noOp ? 'no-op' : 'deployed');
        return;
      }
      case CODES.destroyResult: {
        const name = artifactName(data);
        if (name) this.finish(name, 'destroyed');
        return;
      }
      case CODES.stackActivity:
        this.activity(data?.event as StackEventLike | undefined);
        return;
      case CODES.bootstrapProgress:
      case CODES.bootstrapResult:
        this.line(msg.message.trim());
        return;
      default:
        if (msg.level === 'error' || msg.level === 'warn') {
          // The toolkit reports the cross-stack reference default as an "error"-level validation
          // message with a WARNING prefix; it is only informational here.
          const text = msg.message.trim();
          if (text && !text.startsWith('WARNING No cross-stack-reference strength')) (this.options.printError ?? this.options.print)(text);
        }
    }
  }

  async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
    switch (msg.code) {
      case CODES.deployConfirm:
      case CODES.destroyConfirm:
      case CODES.rollbackConfirm:
        return true as T;
      default:
        return msg.defaultResponse;
    }
  }

  private progress(name: string): StackProgress {
    let p = this.stacks.get(name);
    if (!p) {
      p = { stackName: name, status: 'pending' };
      this.stacks.set(name, p);
    }
    return p;
  }

  private start(name: string, verb: string): void {
    const p = this.progress(name);
    p.startedAt = this.now() - this.t0;
    p.status = 'in-progress';
    this.line(`${name}: ${verb}`);
  }

  private finish(name: string, status: StackProgress['status']): void {
    const p = this.progress(name);
    p.finishedAt = this.now() - this.t0;
    p.status = status;
    const took = p.startedAt === undefined ? '' : ` in ${((p.finishedAt - p.startedAt) / 1000).toFixed(1)}s`;
    const what = status === 'no-op' ? 'no changes' : status;
    this.line(`${name}: ${what}${took}`);
  }

  private activity(event: StackEventLike | undefined): void {
    if (!event?.StackName) return;
    const status = event.ResourceStatus ?? '';
    if (this.options.verbose) {
      this.line(
        `${event.StackName}: ${status} ${event.ResourceType ?? ''} ${event.LogicalResourceId ?? ''} ${event.ResourceStatusReason ?? ''}`.trimEnd(),
      );
    }
    if (!status.endsWith('_FAILED')) return;
    const reason = event.ResourceStatusReason ?? '';
    // The stack's own FAILED event repeats its resources' failures; keep the resource's.
    if (event.ResourceType === 'AWS::CloudFormation::Stack' && event.LogicalResourceId === event.StackName) return;
    if (CONSEQUENTIAL.test(reason)) return;
    const p = this.progress(event.StackName);
    if (!p.failure) {
      p.failure = { logicalId: event.LogicalResourceId ?? '?', resourceType: event.ResourceType ?? '?', reason };
      this.line(`${event.StackName}: ${event.LogicalResourceId} (${event.ResourceType}) ${status}: ${reason}`);
    }
  }
}

interface StackEventLike {
  StackName?: string;
  LogicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
  ResourceStatusReason?: string;
}

function artifactName(artifact: unknown): string | undefined {
  const name = (artifact as { stackName?: unknown } | undefined)?.stackName;
  return typeof name === 'string' ? name : undefined;
}

/** `arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>` -> `<name>`. */
export function nameFromArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const m = /:stack\/([^/]+)\//.exec(arn);
  return m?.[1];
}
