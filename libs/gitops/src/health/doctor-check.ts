import type { Finding } from './report';
import type { DoctorContext } from './doctor-context';

/**
 * One read-only live check of `mfctl doctor`: observes one thing and returns its findings, each
 * with the fix of a `fail`. When it cannot observe (no credentials, API error, timeout) it throws
 * or returns `unknown`: the runner turns a throw into `unknown`, never into `ok`.
 */
export interface DoctorCheck {
  /** Stable id, the `check` of its findings (operator-guide.md's troubleshooting table names it). */
  readonly id: string;
  /** One line: what the check looks at. */
  readonly title: string;
  run(ctx: DoctorContext): Promise<Finding | Finding[]>;
}
