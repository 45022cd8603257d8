/**
 * Source of the pre-token-generation trigger, as plain JavaScript text (inline Lambda code: no
 * asset, so synthesis stays hermetic, and the template is byte-identical whichever TypeScript
 * transpiler runs the app). It reads the IdP groups the identity provider mapped into
 * `custom:groups`, refuses the login when none of them is allowed, and puts the allowed ones into
 * `cognito:groups` of the ID and access tokens, the claim the gateway authorizes on.
 *
 * Cognito stores a mapped array claim as text such as `[a, b]`; JSON arrays and comma-separated
 * text are accepted too. Tests run this exact text.
 */
export function groupGateSource(allowed: readonly string[]): string {
  return `'use strict';
const ALLOWED = ${JSON.stringify(allowed)};
function parseGroups(raw) {
  const text = (raw || '').trim();
  let groups = [];
  if (text.startsWith('[')) {
    try { groups = JSON.parse(text).map(String); } catch (e) { groups = text.slice(1, -1).split(','); }
  } else if (text) {
    groups = text.split(',');
  }
  return groups.map((g) => g.trim()).filter((g) => g.length > 0);
}
exports.handler = async (event) => {
  const groups = parseGroups(event.request.userAttributes['custom:groups']);
  const granted = ALLOWED.length === 0 ? groups : groups.filter((g) => ALLOWED.includes(g));
  if (ALLOWED.length > 0 && granted.length === 0) {
    throw new Error('Access denied: you are not in a group allowed on this Metaflow stage');
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
