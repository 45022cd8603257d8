export * from './checks';
export * from './pr';
