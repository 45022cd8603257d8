export * from './types';
export * from './nag';
export * from './cfn-lint';
export * from './limits';
export * from './custom-resources';
export * from './run-checks';
