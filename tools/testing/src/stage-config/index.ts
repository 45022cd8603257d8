export { makeStageConfig, minimalStageText } from './fixtures';
