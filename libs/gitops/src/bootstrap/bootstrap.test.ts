import { parseGitHubRepository } from './bootstrap';

describe('parseGitHubRepository', () => {
  it.each([
    ['git@github.com:acme/metaflow-platform.git', 'acme/metaflow-platform'],
    ['https://github.com/acme/metaflow-platform', 'acme/metaflow-platform'],
    ['https://github.com/acme/metaflow-platform.git', 'acme/metaflow-platform'],
    ['https://x-access-token:abc@github.com/acme/mf.gitops/', 'acme/mf.gitops'],
    ['ssh://git@github.com/acme/metaflow-platform.git', 'acme/metaflow-platform'],
  ])('%s -> %s', (url, repo) => {
    expect(parseGitHubRepository(url)).toBe(repo);
  });

  it.each(['', '/srv/git/platform.git', 'https://github.com/acme', 'git@github.com:acme/a/b.git'])('rejects %p', (url) => {
    expect(parseGitHubRepository(url)).toBeUndefined();
  });
});
