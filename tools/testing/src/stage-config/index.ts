export { makeStageConfig } from './fixtures';
