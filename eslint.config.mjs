import nx from '@nx/eslint-plugin';

// Module boundaries: libs never import apps; the login library and the stage
// configuration never pull in the CDK or cdk8s, so `metaflow-login` stays small.
const heavy = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk8s', 'cdk8s-plus-*', '@aws-cdk/*', 'cdk-nag'];

// Test support (fixtures, doubles, the deploy rehearsal) lives in tools/testing (`type:tool`). Tests,
// test harnesses and development scripts may use it; product code may not (`noTestSupport` below).
const testCode = ['**/*.test.ts', '**/test/**/*.ts', '**/scripts/**/*.ts'];

/** The Nx boundary rule; `extra` tags are added to what every project may depend on. */
function boundaries(extra) {
  const allowed = (tags) => [...tags, ...extra];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      // tools/testing builds on every project and their tests import it: that cycle runs through test
      // files only (product code cannot import it), so it is not reported.
      ignoredCircularDependencies: [['@metaflow-gitops/testing', '*']],
      depConstraints: [
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: allowed(['type:lib']) },
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: allowed(['type:lib']) },
        { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:tool'] },
        { sourceTag: 'scope:config', onlyDependOnLibsWithTags: allowed([]), bannedExternalImports: heavy },
        { sourceTag: 'scope:login', onlyDependOnLibsWithTags: allowed(['scope:config']), bannedExternalImports: heavy },
        { sourceTag: 'scope:constructs', onlyDependOnLibsWithTags: allowed(['scope:config']) },
        { sourceTag: 'scope:gitops', onlyDependOnLibsWithTags: allowed(['scope:config', 'scope:constructs']) },
      ],
    },
  ];
}

/** Product code never imports test support: the tools/testing package or any `testing` module. */
const noTestSupport = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['@metaflow-gitops/testing', '@metaflow-gitops/testing/*', '**/testing', '**/testing/*'],
          message: 'Test support (tools/testing) is for tests only: product code must not import it.',
        },
      ],
    },
  ],
};

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/cdk.out/**', '**/coverage/**', '**/imports/**', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    // tools/ projects lint from their own folder, where this path does not match: their configs
    // turn the rule off themselves.
    ignores: [...testCode, 'tools/**'],
    rules: noTestSupport,
  },
  {
    files: testCode,
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:tool']) },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
