export * from './schemas';
export * from './outputs';
export * from './find';
