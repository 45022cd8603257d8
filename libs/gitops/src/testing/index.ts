export * from './github-double';
export * from './temp-repo';
export * from './sample-report';
export * from './fake-repo';
export * from './repo-copy';
export * from './big-comment-body';
