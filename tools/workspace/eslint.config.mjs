import base from '../../eslint.config.mjs';

// Workspace checks are tests: they may use the test support.
export default [...base, { rules: { 'no-restricted-imports': 'off' } }];
