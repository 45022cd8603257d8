/**
 * Source of the pre-token-generation trigger, as plain JavaScript text (inline Lambda code: no
 * asset, so synthesis stays hermetic, and the template is byte-identical whichever TypeScript
 * transpiler runs the app). It reads the IdP groups the identity provider mapped into
 * `custom:groups`, refuses the login when none of them is allowed, and puts the allowed ones into
 * `cognito:groups` of the ID and access tokens, the claim the gateway authorizes on.
 *
 * What Cognito stores in a custom attribute mapped from an IdP claim (custom attributes are
 * strings):
 * - an OIDC array claim (`"groups": ["a", "b"]`) becomes its JSON text, `["a","b"]`: read as JSON,
 *   element by element, so a group named `sales, ml-platform` stays one group;
 * - a single-valued claim (`"groups": "a"`) becomes the value itself: one group, never split;
 * - a multi-valued SAML attribute becomes Cognito's bracketed list `[a, b]` (values joined with
 *   ", ", nothing quoted). That text cannot tell the group `a, b` from the groups `a` and `b`, so
 *   the gate takes it only with a single element (`[a]`) and otherwise refuses the login rather
 *   than guess.
 * Group names are compared exactly (no trimming, no case folding). Tests run this exact text.
 */
export function groupGateSource(allowed: readonly string[]): string {
  return `'use strict';
const ALLOWED = ${JSON.stringify(allowed)};
// Returns the groups, or undefined when the attribute cannot be read without guessing.
function parseGroups(raw) {
  if (raw === undefined || raw === '') return [];
  if (!raw.trim().startsWith('[')) return [raw];
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    const inner = raw.trim().slice(1, -1);
    return raw.trim().endsWith(']') && !inner.includes(',') ? (inner === '' ? [] : [inner]) : undefined;
  }
  return Array.isArray(parsed) && parsed.every((g) => typeof g === 'string') ? parsed : undefined;
}
exports.handler = async (event) => {
  const groups = parseGroups(event.request.userAttributes['custom:groups']);
  let granted;
  if (ALLOWED.length === 0) {
    granted = groups || [];
  } else {
    if (groups === undefined) {
      console.log('refused: custom:groups is neither a JSON array of strings nor a single group');
      throw new Error('Access denied: your groups from the identity provider cannot be read unambiguously; ask the platform team');
    }
    granted = groups.filter((g) => ALLOWED.includes(g));
    if (granted.length === 0) {
      throw new Error('Access denied: you are not in a group allowed on this Metaflow stage');
    }
  }
  event.response = Object.assign({}, event.response, {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: {},
      accessTokenGeneration: {},
      groupOverrideDetails: { groupsToOverride: granted },
    },
  });
  return event;
};
`;
}
