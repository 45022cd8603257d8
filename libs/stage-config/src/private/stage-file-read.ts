import * as fs from 'node:fs';
import { Position } from './yaml-positions';

/**
 * The largest stage file the loader reads. The repository's stage files are a few kilobytes; the
 * bound keeps a pasted log or a generated file from costing minutes and gigabytes downstream.
 */
export const MAX_STAGE_FILE_BYTES = 512 * 1024;

/** Why a stage file cannot be read as a stage, located in the file. */
export interface StageFileProblem {
  readonly position: Position;
  readonly message: string;
  readonly fix: string;
}

const AT_START: Position = { line: 1, column: 1 };

/**
 * The text of the stage file `abs` (named `file` in messages), or why it is not one: a symbolic
 * link (the file the pull request shows would not be the one deployed), a directory or other
 * non-regular file, a file over `MAX_STAGE_FILE_BYTES`, or text that is not UTF-8.
 */
export function readStageFile(abs: string, file: string): { text: string } | { problem: StageFileProblem } {
  const stat = fs.lstatSync(abs);
  if (stat.isSymbolicLink()) {
    return {
      problem: {
        position: AT_START,
        message: `${file} is a symbolic link; a stage file must be a regular file`,
        fix: 'replace the link with a copy of the stage file it points to',
      },
    };
  }
  if (!stat.isFile()) {
    return {
      problem: {
        position: AT_START,
        message: `${file} is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}; a stage file must be a regular file`,
        fix: 'move it out of the environments directory or rename it so it does not end in .yaml',
      },
    };
  }
  // Checked before reading, and again on what was read (the file may grow in between).
  if (stat.size > MAX_STAGE_FILE_BYTES) return { problem: tooLarge(file, stat.size) };
  const bytes = fs.readFileSync(abs);
  if (bytes.length > MAX_STAGE_FILE_BYTES) return { problem: tooLarge(file, bytes.length) };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return {
      problem: {
        position: positionOfByte(bytes, offset),
        message: `${file} is not valid UTF-8 (byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset})`,
        fix: 'save the file as UTF-8',
      },
    };
  }
}

function tooLarge(file: string, size: number): StageFileProblem {
  return {
    position: AT_START,
    message: `${file} is ${size} bytes, more than the ${MAX_STAGE_FILE_BYTES} bytes a stage file may have`,
    fix: 'a stage file is a few kilobytes: remove what does not belong in it',
  };
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    try {
      decoder.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}

/** 1-based line and column (in characters of the valid text before it) of a byte offset. */
function positionOfByte(bytes: Uint8Array, offset: number): Position {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: before.length - lineStart + 1 };
}
