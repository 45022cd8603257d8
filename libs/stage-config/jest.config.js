module.exports = { ...require('../../jest.preset.js'), displayName: 'stage-config' };
