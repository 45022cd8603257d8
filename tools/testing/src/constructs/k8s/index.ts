export * from './schemas';
export * from './outputs';
export * from './find';
export * from './kyverno-emulation';
