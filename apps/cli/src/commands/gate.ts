import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_ACK_LABEL,
  evaluateGate,
  githubClient,
  githubContext,
  parseReport,
  readPullRequestEvent,
  splitRepository,
} from '@metaflow-gitops/gitops';
import { EXIT, UsageError } from '../errors';
import { Io } from '../io';

export interface GateOptions {
  report?: string;
  label?: string;
  pr?: string;
}

/**
 * The PR's current labels. The event payload is what Actions started the run with; a re-run keeps
 * the old payload, so ask the API when a token is available and fall back to the payload.
 */
async function currentLabels(
  io: Io,
  pr: number | undefined,
  fromEvent: readonly string[],
): Promise<{ labels: readonly string[]; source: string }> {
  const ctx = githubContext(io.env);
  if (!ctx.token || !ctx.repository || pr === undefined) return { labels: fromEvent, source: 'event payload' };
  try {
    const octokit = githubClient(ctx, (m) => io.stderr(`mfctl gate: ${m}\n`));
    const labels = await octokit.paginate(octokit.rest.issues.listLabelsOnIssue, {
      ...splitRepository(ctx.repository),
      issue_number: pr,
      per_page: 100,
    });
    return { labels: labels.map((l) => l.name), source: 'GitHub API' };
  } catch (err) {
    io.stderr(`mfctl gate: could not read the PR's labels from the API (${(err as Error).message}); using the event payload\n`);
    return { labels: fromEvent, source: 'event payload' };
  }
}

/** `mfctl gate`: exit 1 when the diff report has destructive changes and the PR lacks the acknowledgement label. */
export async function gateCommand(opts: GateOptions, io: Io): Promise<number> {
  const file = path.resolve(io.cwd, opts.report ?? 'pr-diff/report.json');
  if (!fs.existsSync(file))
    throw new UsageError(
      `report ${path.relative(io.cwd, file)} does not exist: write it with 'mfctl diff --format json --out FILE' (or --json-out FILE)`,
    );
  const report = parseReport(fs.readFileSync(file, 'utf8'), path.relative(io.cwd, file));
  const label = opts.label ?? DEFAULT_ACK_LABEL;
  const event = readPullRequestEvent(githubContext(io.env).eventPath);
  const pr = opts.pr !== undefined ? Number(opts.pr) : event?.number;
  if (pr !== undefined && (!Number.isInteger(pr) || pr <= 0)) throw new UsageError(`--pr must be a pull request number (got '${opts.pr}')`);
  const { labels, source } = await currentLabels(io, pr, event?.labels ?? []);
  const result = evaluateGate(report, labels, label);
  if (result.pass) {
    io.stdout(`${result.message}\n`);
    return EXIT.ok;
  }
  io.stderr(`mfctl gate: FAILED (labels from the ${source}: ${labels.length ? labels.join(', ') : 'none'})\n${result.message}\n`);
  if (io.env.GITHUB_ACTIONS === 'true')
    io.stdout(`::error title=Destructive changes need acknowledgement::${result.message.split('\n')[0]}\n`);
  return EXIT.failure;
}
