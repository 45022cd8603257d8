export * from './stage-config';
export * from './naming';
export * from './stage-outputs';
export * from './discovery';
