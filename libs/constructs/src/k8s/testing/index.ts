export * from './schemas';
export * from './outputs';
