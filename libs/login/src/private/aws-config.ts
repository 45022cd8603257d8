import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { replaceFile } from './files';

/** The AWS config file the CLI and SDKs read: `AWS_CONFIG_FILE`, else `~/.aws/config`. */
export function awsConfigPath(env: NodeJS.ProcessEnv): string {
  return env.AWS_CONFIG_FILE || join(env.HOME ?? homedir(), '.aws', 'config');
}

/** The AWS profile of a stage, `metaflow-<stage>` (the kubeconfig context has the same name). */
export function awsProfileName(stage: string): string {
  return `metaflow-${stage}`;
}

/** The section metaflow-login writes: `credential_process` runs `metaflow-login aws-credentials <stage>`. */
export function profileSection(stage: string, region: string): string {
  return [
    `[profile ${awsProfileName(stage)}]`,
    `# Written by metaflow-login: short-lived credentials of stage '${stage}'s data-scientist role, from your login.`,
    `credential_process = metaflow-login aws-credentials ${stage}`,
    `region = ${region}`,
    '',
  ].join('\n');
}

/**
 * `text` (an AWS config file) with the stage's profile section replaced, or appended when absent.
 * Every other line stays as it was; a section ends at the next `[...]` header.
 */
export function mergeProfileSection(text: string, stage: string, region: string): string {
  const header = new RegExp(`^\\s*\\[\\s*profile\\s+${awsProfileName(stage).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\]\\s*$`);
  const kept: string[] = [];
  let inside = false;
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  for (const line of lines) {
    if (/^\s*\[/.test(line)) inside = header.test(line);
    if (!inside) kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1].trim() === '') kept.pop();
  return `${kept.length > 0 ? `${kept.join('\n')}\n\n` : ''}${profileSection(stage, region)}`;
}

/** Adds or replaces the stage's profile in the AWS config file (written atomically, mode 0600). Returns the file and profile. */
export function writeAwsProfile(env: NodeJS.ProcessEnv, stage: string, region: string): { path: string; profile: string } {
  const path = awsConfigPath(env);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  replaceFile(path, mergeProfileSection(current, stage, region));
  return { path, profile: awsProfileName(stage) };
}
