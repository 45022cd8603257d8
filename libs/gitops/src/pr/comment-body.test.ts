import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isInputError } from '@metaflow-gitops/stage-config';
import { fiveMegabyteCommentBody } from '@metaflow-gitops/testing/gitops';
import { MAX_COMMENT_BODY_BYTES, readCommentBody } from './comment-body';

describe('readCommentBody', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comment-body-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a body within the bound', () => {
    fs.writeFileSync(path.join(dir, 'body.md'), '## Diff\n');
    expect(readCommentBody(path.join(dir, 'body.md'), 'body.md')).toBe('## Diff\n');
  });

  it('reads a report of many stages (several MB), which the comment and the summary are cut from', () => {
    const body = fiveMegabyteCommentBody();
    expect(Buffer.byteLength(body)).toBeGreaterThan(5_000_000);
    fs.writeFileSync(path.join(dir, 'report.md'), body);
    expect(readCommentBody(path.join(dir, 'report.md'), 'report.md')).toBe(body);
  });

  it('refuses a body file over the bound, naming it and its size', () => {
    const file = path.join(dir, 'huge.md');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 60 * 1024 * 1024); // 60 MB, sparse
    let error: unknown;
    try {
      readCommentBody(file, 'pr-diff/huge.md');
    } catch (err) {
      error = err;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `comment body pr-diff/huge.md is ${60 * 1024 * 1024} bytes, more than the ${MAX_COMMENT_BODY_BYTES} bytes read`,
    );
  });
});
