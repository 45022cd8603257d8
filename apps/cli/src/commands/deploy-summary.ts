import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploySummaryMarkdown, githubContext, runUrl } from '@metaflow-gitops/gitops';
import { outputsFilePath, RawStackOutputs } from '@metaflow-gitops/stage-config';
import { CliError, EXIT } from '../errors';
import { Io } from '../io';
import { findRepoRoot } from '../repo';

export interface DeploySummaryOptions {
  outputs?: string;
}

/** `mfctl deploy-summary <stage>`: the stage's URLs and outputs as markdown, appended to the job summary when in Actions. */
export async function deploySummaryCommand(stage: string, opts: DeploySummaryOptions, io: Io): Promise<number> {
  const file = path.resolve(opts.outputs ? io.cwd : findRepoRoot(io.cwd), opts.outputs ?? outputsFilePath(stage));
  if (!fs.existsSync(file)) throw new CliError(`no outputs file ${file}: 'mfctl deploy ${stage}' writes it after a successful deploy`);
  let raw: RawStackOutputs;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const ctx = githubContext(io.env);
  const md = deploySummaryMarkdown(stage, raw, { sha: io.env.GITHUB_SHA, runUrl: runUrl(ctx) });
  if (ctx.stepSummaryPath) {
    fs.appendFileSync(ctx.stepSummaryPath, md);
    io.stderr(`mfctl deploy-summary: job summary written for ${stage}\n`);
  } else io.stdout(md);
  return EXIT.ok;
}
