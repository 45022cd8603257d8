// kubernetes-models / @kubernetes-models/* publish ES modules behind an `import`-only exports map.
// Jest resolves CommonJS with the `require` condition and would not find them; resolve those (and
// only those) with `import`, then SWC transpiles them (they are in the preset's ESM list).
const esmImportOnly = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(request, esmImportOnly.test(request) ? { ...options, conditions: ['import', 'default'] } : options);
