module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'cli',
  // The command table loads each command with `import('./commands/<name>.js')` (the spelling
  // TypeScript's nodenext resolution wants); the sources are .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
