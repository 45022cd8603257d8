module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'cli',
  // A command's module (and the CDK, the AWS SDK, ...) loads when the command first runs, inside the
  // test that runs it: give that first load time on a busy machine.
  testTimeout: 30_000,
};
