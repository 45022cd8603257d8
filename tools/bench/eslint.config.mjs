import base from '../../eslint.config.mjs';

// A development tool, not product code: it builds its scenarios with the test support (repository copies, the GitHub double).
export default [...base, { rules: { 'no-restricted-imports': 'off' } }];
