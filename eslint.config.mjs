import nx from '@nx/eslint-plugin';

// Module boundaries (STYLE.md rule 10): libs never import apps; the login library and the stage
// configuration never pull in the CDK or cdk8s, so `metaflow-login` stays small.
const heavy = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk8s', 'cdk8s-plus-*', '@aws-cdk/*', 'cdk-nag'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/cdk.out/**', '**/coverage/**', '**/imports/**', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:config', onlyDependOnLibsWithTags: [], bannedExternalImports: heavy },
            { sourceTag: 'scope:login', onlyDependOnLibsWithTags: ['scope:config'], bannedExternalImports: heavy },
            { sourceTag: 'scope:constructs', onlyDependOnLibsWithTags: ['scope:config'] },
            { sourceTag: 'scope:gitops', onlyDependOnLibsWithTags: ['scope:config', 'scope:constructs'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
