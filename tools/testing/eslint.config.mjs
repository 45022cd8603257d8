import base from '../../eslint.config.mjs';

// This project is the test support that product code may not import; it may import itself.
export default [...base, { rules: { 'no-restricted-imports': 'off' } }];
