export * from './fixture-stage';
