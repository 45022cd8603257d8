export { ACTIONS_BOT, GitHubDouble, type DoubleUser } from './github-double';
export { TempRepo } from './temp-repo';
export { sampleReport, sampleStage } from './sample-report';
export { seedFakeRepo } from './fake-repo';
export { copyRepository } from './repo-copy';
export { fiveMegabyteCommentBody } from './big-comment-body';
export { MOTO_ACCOUNT, MOTO_REGION, describeOnMoto } from './moto-suite';
export { FakeKubectl } from './fake-kubectl';
export { FakeDriftCloudFormation, type FakeStack } from './fake-drift-cloudformation';
