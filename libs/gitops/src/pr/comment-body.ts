import * as fs from 'node:fs';
import { InputError } from '@metaflow-gitops/stage-config';
import { SUMMARY_LIMIT_BYTES } from './truncate';

/**
 * The largest comment body file `mfctl comment` reads: sixteen times what a job summary holds (the
 * comment and the summary are cut from it to fit; a many-stage report runs to a few MB), so a
 * runaway file is refused rather than read into memory and cut.
 */
export const MAX_COMMENT_BODY_BYTES = 16 * SUMMARY_LIMIT_BYTES;

/** Reads the comment body file `file` (named `shownAs` in errors); refuses one over `MAX_COMMENT_BODY_BYTES`. */
export function readCommentBody(file: string, shownAs: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size > MAX_COMMENT_BODY_BYTES) {
      throw new InputError(`comment body ${shownAs} is ${size} bytes, more than the ${MAX_COMMENT_BODY_BYTES} bytes read`, {
        fix: 'pass the report `mfctl diff --out` writes (it is cut to fit the comment and the job summary), not another file',
      });
    }
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
