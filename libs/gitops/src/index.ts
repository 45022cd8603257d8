export * from './toolkit/io-host';
export * from './synth/stage-assembly';
export * from './deploy/waves';
export * from './deploy/deploy';
export * from './deploy/outputs-file';
