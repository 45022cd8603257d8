import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsConfigPath, mergeProfileSection, profileSection, writeAwsProfile } from './aws-config';

const OTHERS = `[default]
region = eu-west-1

[profile work]
sso_session = corp
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
`;

test('the profile runs metaflow-login aws-credentials for the stage, in its region', () => {
  expect(profileSection('dev', 'us-west-2')).toBe(
    [
      '[profile metaflow-dev]',
      "# Written by metaflow-login: short-lived credentials of stage 'dev's data-scientist role, from your login.",
      'credential_process = metaflow-login aws-credentials dev',
      'region = us-west-2',
      '',
    ].join('\n'),
  );
});

test('appended to a config, every other section kept byte for byte', () => {
  expect(mergeProfileSection('', 'dev', 'us-west-2')).toBe(profileSection('dev', 'us-west-2'));
  expect(mergeProfileSection(OTHERS, 'dev', 'us-west-2')).toBe(`${OTHERS}\n${profileSection('dev', 'us-west-2')}`);
});

test("replaced in place of the stage's own section only (a re-login, a moved region)", () => {
  const first = mergeProfileSection(OTHERS, 'dev', 'us-west-2');
  const withProd = mergeProfileSection(first, 'prod', 'us-east-1');
  const again = mergeProfileSection(`${withProd}[ profile   metaflow-dev ]\nregion = stale\n`, 'dev', 'eu-central-1');
  expect(again).toBe(`${OTHERS}\n${profileSection('prod', 'us-east-1')}\n${profileSection('dev', 'eu-central-1')}`);
  // A profile whose name merely starts with the stage's is another profile.
  const lookalike = `[profile metaflow-dev-old]\nregion = x\n`;
  expect(mergeProfileSection(lookalike, 'dev', 'us-west-2')).toBe(`${lookalike}\n${profileSection('dev', 'us-west-2')}`);
});

test('written to AWS_CONFIG_FILE (else ~/.aws/config) with mode 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aws-config-'));
  expect(awsConfigPath({ HOME: dir })).toBe(join(dir, '.aws', 'config'));
  const file = join(dir, 'custom', 'config');
  expect(writeAwsProfile({ HOME: dir, AWS_CONFIG_FILE: file }, 'dev', 'us-west-2')).toEqual({ path: file, profile: 'metaflow-dev' });
  expect(readFileSync(file, 'utf8')).toBe(profileSection('dev', 'us-west-2'));
  expect(statSync(file).mode & 0o777).toBe(0o600);
});
