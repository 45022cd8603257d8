import { AWS_NAME_LIMITS } from './facts';
import { defaultOidcName } from './naming';
import { MAX_STAGE_NAME_LENGTH, STAGE_NAME_BOUNDS, stageNameBudget, stageNameOfFile, stageNameProblem } from './stage-name';

describe('stage name bound', () => {
  it('is computed from the tightest derived name: the default Cognito IdP name metaflow-<stage> (32)', () => {
    expect(MAX_STAGE_NAME_LENGTH).toBe(AWS_NAME_LIMITS.cognitoIdpName - defaultOidcName('').length);
    expect(MAX_STAGE_NAME_LENGTH).toBe(23);
  });

  it('keeps every derived name within its AWS limit at the bound', () => {
    const name = 'a'.repeat(MAX_STAGE_NAME_LENGTH);
    for (const bound of STAGE_NAME_BOUNDS) expect(bound.derive(name).length).toBeLessThanOrEqual(bound.limit);
  });

  it('breaks the tightest limit one character past the bound', () => {
    const name = 'a'.repeat(MAX_STAGE_NAME_LENGTH + 1);
    const broken = STAGE_NAME_BOUNDS.filter((b) => b.derive(name).length > b.limit).map((b) => b.what);
    expect(broken).toEqual(['Cognito identity provider name (default oidcConfig.idpProviderName)']);
  });

  it('derives each budget from the naming functions (IAM role: metaflow-gitops-deploy-<stage> in 64)', () => {
    const deploy = STAGE_NAME_BOUNDS.find((b) => b.what === 'IAM deploy role name')!;
    expect(stageNameBudget(deploy)).toBe(64 - 'metaflow-gitops-deploy-'.length);
  });

  it.each([
    ['dev', undefined],
    ['team-a-2', undefined],
    ['a'.repeat(23), undefined],
    ['Dev', /must start with a lowercase letter/],
    ['1dev', /must start with a lowercase letter/],
    ['dev-', /not ending with a hyphen/],
    ['dev--x', /single hyphens/],
    ['dev_x', /only lowercase letters, digits and single hyphens/],
    ['a'.repeat(24), /is 24 characters; at most 23 fit/],
    ['aws-lab', /puts the word "aws" in the Cognito domain prefix "metaflow-aws-lab-<account>"/],
    ['lawsuit', /puts the word "aws"/],
    ['amazonia', /puts the word "amazon"/],
    ['team-cognito', /puts the word "cognito"/],
  ])('%s', (name, problem) => {
    if (problem) expect(stageNameProblem(name)).toMatch(problem);
    else expect(stageNameProblem(name)).toBeUndefined();
  });
});

describe('stageNameOfFile', () => {
  it.each([
    ['environments/dev.yaml', 'dev'],
    ['environments/prod-eu.yml', 'prod-eu'],
    ['/abs/repo/environments/team-a.yaml', 'team-a'],
    ['dev.yaml', 'dev'],
    ['environments/Dev.yaml', 'Dev'],
    ['environments/README.md', undefined],
    ['environments/dev.yaml.bak', undefined],
    ['environments/.yaml', undefined],
    ['environments.yaml/notes.txt', undefined],
  ])('%s -> %s', (file, stage) => expect(stageNameOfFile(file)).toBe(stage));
});
