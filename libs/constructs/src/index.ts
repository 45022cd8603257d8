// The CDK side of the constructs library: a stage's six stacks (mfctl synth, the infra app) and the
// bootstrap stack (mfctl bootstrap). The cdk8s side is `@metaflow-gitops/constructs/k8s`.
export { buildStage, createStageApp, stageAssemblyDir, synthStage } from './aws/stage-app';
export type { StageStacks } from './aws/stage-app';
export { GITHUB_OIDC_HOST, GitHubDeployRolesStack } from './aws/bootstrap/github-deploy-roles-stack';
export { DEPLOY_BRANCH, SUBJECT_CLAIM_KEYS, subjectTemplateCommand } from './aws/bootstrap/github-subject';
export { cfnExecutionPolicyDocument, cfnExecutionPolicyName } from './aws/bootstrap/cfn-execution-policy';
export { IDP_CLIENT_SECRET_PLACEHOLDER } from './aws/auth/auth-stack';
