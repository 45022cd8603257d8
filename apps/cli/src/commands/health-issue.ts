import * as fs from 'node:fs';
import * as path from 'node:path';
import { githubClient, githubContext, parseHealthReport, runUrl, splitRepository, syncHealthIssue } from '@metaflow-gitops/gitops/github';
import { EXIT, UsageError, withContext } from '../errors';
import { Io } from '../io';

export interface HealthIssueOptions {
  readonly stage: string;
  /** Files `mfctl doctor|drift <stage> --json` wrote (an empty one: that command failed). */
  readonly report: readonly string[];
}

/**
 * `mfctl health-issue <stage> --report FILE...`: opens or updates the stage's health issue when a
 * report has a `fail` or `unknown` finding, and closes it when every finding is `ok` (the scheduled
 * health workflow). Exit 0 when the issue is in step, whatever the reports say.
 */
export async function healthIssueCommand(opts: HealthIssueOptions, io: Io): Promise<number> {
  const ctx = githubContext(io.env);
  if (opts.report.length === 0) throw new UsageError('pass at least one --report FILE (written by mfctl doctor|drift <stage> --json)');
  const reports = opts.report.map((file) => {
    const full = path.resolve(io.cwd, file);
    if (!fs.existsSync(full))
      throw new UsageError(`--report ${file} does not exist (write it with 'mfctl doctor ${opts.stage} --json > ${file}')`);
    return parseHealthReport(fs.readFileSync(full, 'utf8'), file, { stage: opts.stage });
  });
  let target;
  try {
    target = splitRepository(ctx.repository);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let result;
  try {
    result = await syncHealthIssue(
      githubClient(ctx, (m) => io.stderr(`mfctl health-issue: ${m}\n`)),
      target,
      opts.stage,
      reports,
      { runLink: runUrl(ctx) },
    );
  } catch (err) {
    throw withContext(`could not update the health issue of stage ${opts.stage}`, err);
  }
  io.stdout(
    result.action === 'none'
      ? `stage ${opts.stage}: every check ok, no open health issue\n`
      : `stage ${opts.stage}: health issue #${result.number} ${result.action}${result.url ? `: ${result.url}` : ''}\n`,
  );
  return EXIT.ok;
}
