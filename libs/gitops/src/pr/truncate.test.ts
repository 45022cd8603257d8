import { createHash } from 'node:crypto';
import { fiveMegabyteCommentBody } from '@metaflow-gitops/testing/gitops';
import { COMMENT_LIMIT, cutAtSections, SUMMARY_LIMIT_BYTES, utf8Bytes } from './truncate';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// The expected cuts were recorded with the earlier implementation (which rebuilt and measured the
// whole candidate text for every boundary); the linear one must cut at exactly the same place.
describe('cutting a 5 MB body', () => {
  const body = fiveMegabyteCommentBody();

  it('is a 5 MB body with thousands of sections', () => {
    expect(body.length).toBeGreaterThan(5_000_000);
    expect(body.match(/<!-- mfg:section/g)).toHaveLength(400 * 13);
  });

  it('cuts to the comment limit (characters) where it always did', () => {
    const cut = cutAtSections(body, COMMENT_LIMIT, (n) => `> ${n} sections not shown.`);
    expect({ ...cut, text: undefined, length: cut.text.length, sha256: sha256(cut.text) }).toEqual({
      text: undefined,
      truncated: true,
      omittedSections: 5153,
      length: 65084,
      sha256: '37d366cfe694b136e0bae105c4a3ed7d74715622d1ede2179ec779ad21668859',
    });
    expect(cut.text.endsWith('</details>\n\n> ' + cut.omittedSections + ' sections not shown.\n')).toBe(true);
  });

  it('cuts to the job summary limit (UTF-8 bytes) where it always did', () => {
    const cut = cutAtSections(body, SUMMARY_LIMIT_BYTES - 1024, (n) => `> ${n} sections not shown.`, utf8Bytes);
    expect({ ...cut, text: undefined, bytes: utf8Bytes(cut.text), sha256: sha256(cut.text) }).toEqual({
      text: undefined,
      truncated: true,
      omittedSections: 4479,
      bytes: 1045905,
      sha256: '5a81716111d34b56314d3652299f31fdd87ee2afde04a34dfbf23a8c6199f0e5',
    });
  });
});
