export * from './pr';
