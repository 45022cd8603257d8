import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadStages } from '@metaflow-gitops/stage-config';

// The docs rely on .github/CODEOWNERS for the gate code, the workflows, the deploy trust and the prod stages.
const root = path.resolve(__dirname, '../../..');
const owned = fs
  .readFileSync(path.join(root, '.github/CODEOWNERS'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*$/, '').trim())
  .filter(Boolean)
  .map((line) => {
    const [pattern, ...owners] = line.split(/\s+/);
    return { pattern, owners };
  });

/** Whether a rooted CODEOWNERS pattern (`/file` or `/dir/`) covers the repo-relative `file`. */
const covers = (pattern: string, file: string) => (pattern.endsWith('/') ? `/${file}`.startsWith(pattern) : pattern === `/${file}`);

describe('.github/CODEOWNERS', () => {
  it('gives every entry an owner and uses only rooted paths (no globs to misread)', () => {
    expect(owned.length).toBeGreaterThan(0);
    for (const { pattern, owners } of owned) {
      expect({ pattern, rooted: pattern.startsWith('/') && !/[*?[]/.test(pattern), owners: owners.length > 0 }).toEqual({
        pattern,
        rooted: true,
        owners: true,
      });
      expect(fs.existsSync(path.join(root, pattern))).toBe(true);
    }
  });

  it.each([
    '.github/workflows/pr.yml',
    '.github/workflows/deploy.yml',
    '.github/workflows/teardown.yml',
    '.github/CODEOWNERS',
    'libs/gitops/src/pr/gate.ts',
    'apps/cli/src/commands/gate.ts',
    'apps/cli/src/commands/diff.ts',
    'apps/cli/src/commands/comment.ts',
    'libs/constructs/src/aws/bootstrap/github-deploy-roles-stack.ts',
    'libs/gitops/src/bootstrap/bootstrap.ts',
  ])('owns %s', (file) => {
    expect(fs.existsSync(path.join(root, file))).toBe(true);
    expect(owned.some((o) => covers(o.pattern, file))).toBe(true);
  });

  it('owns every prod stage file', () => {
    const prod = loadStages(path.join(root, 'environments')).stages.filter((s) => s.isProd);
    expect(prod.length).toBeGreaterThan(0);
    expect(prod.map((s) => s.sourceFile).filter((file) => !owned.some((o) => covers(o.pattern, file)))).toEqual([]);
  });
});
