import { SUBJECT_CLAIM_KEYS, subjectTemplateCommand } from './github-subject';

describe('subjectTemplateCommand', () => {
  it('sets the repository template to repo, context, ref (the order the deploy role trust expects)', () => {
    expect(SUBJECT_CLAIM_KEYS).toEqual(['repo', 'context', 'ref']);
    expect(subjectTemplateCommand('acme/mf')).toBe(
      "gh api --method PUT repos/acme/mf/actions/oidc/customization/sub -F use_default=false -f 'include_claim_keys[]=repo' -f 'include_claim_keys[]=context' -f 'include_claim_keys[]=ref'",
    );
  });
});
