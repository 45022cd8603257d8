import {
  AssemblyError,
  AwsError,
  CliError,
  EXIT,
  GitError,
  InputError,
  InternalError,
  UsageError,
  errorReport,
  isAssemblyError,
  isAwsError,
  isCliError,
  isGitError,
  isInputError,
  isInternalError,
  isUsageError,
  withContext,
} from './errors';

describe('library errors', () => {
  const guards = { isAssemblyError, isAwsError, isGitError, isInputError, isInternalError, isUsageError };
  it.each([
    ['assembly', new AssemblyError('m'), 'isAssemblyError'],
    ['aws', new AwsError('m'), 'isAwsError'],
    ['git', new GitError('m'), 'isGitError'],
    ['input', new InputError('m'), 'isInputError'],
    ['internal', new InternalError('m'), 'isInternalError'],
  ] as const)('%s: its code, exit 1, recognised by its guard only', (code, err, guard) => {
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(EXIT.failure);
    expect(isCliError(err)).toBe(true);
    for (const [name, is] of Object.entries(guards)) expect([name, is(err)]).toEqual([name, name === guard]);
  });

  it('guards refuse plain errors and non-errors', () => {
    expect(isInputError(new Error('m'))).toBe(false);
    expect(isInputError({ code: 'input' })).toBe(false);
    expect(isInputError(undefined)).toBe(false);
  });
});

describe('withContext', () => {
  it('puts the context in front and keeps code, exit code, fix and cause', () => {
    const cause = new AwsError('GetTemplate dev-vpc (eu-west-1): denied', { fix: 'check the credentials' });
    const err = withContext('diff of dev failed', cause);
    expect(err.message).toBe('diff of dev failed: GetTemplate dev-vpc (eu-west-1): denied');
    expect(isAwsError(err)).toBe(true);
    expect(err).toMatchObject({ exitCode: EXIT.failure, fix: 'check the credentials', cause });
    expect(withContext('x', new UsageError('bad')).exitCode).toBe(EXIT.usage);
  });

  it('makes any other error a CliError (exit 1)', () => {
    const err = withContext('sync of dev stopped', new SyntaxError('Unexpected token'));
    expect(err).toMatchObject({ message: 'sync of dev stopped: Unexpected token', code: 'failure', exitCode: EXIT.failure });
    expect(withContext('x', 'text').message).toBe('x: text');
  });
});

describe('errorReport', () => {
  it('prints the message and the fix of a code-bearing error, with its exit code', () => {
    expect(errorReport(new InputError('report.json is not JSON', { fix: 'pass the report' }))).toEqual({
      text: 'error: report.json is not JSON\nfix: pass the report\n',
      exitCode: EXIT.failure,
    });
    expect(errorReport(new UsageError('--pr must be a number'))).toEqual({ text: 'error: --pr must be a number\n', exitCode: EXIT.usage });
  });

  it('adds the code and the stack in debug mode', () => {
    const err = new InternalError('object rendered twice: v1 Namespace x');
    const { text } = errorReport(err, true);
    expect(text.startsWith('error: object rendered twice: v1 Namespace x\ncode: internal\nInternalError: object rendered twice')).toBe(
      true,
    );
    expect(text).toContain('errors.test.ts');
  });

  it('prints other errors by message, or their stack in debug mode', () => {
    expect(errorReport(new Error('boom'))).toEqual({ text: 'error: boom\n', exitCode: EXIT.failure });
    expect(errorReport(new Error('boom'), true).text).toMatch(/^error: Error: boom\n\s+at /);
    expect(errorReport('text')).toEqual({ text: 'error: text\n', exitCode: EXIT.failure });
  });

  it('keeps a CliError subclass of another module copy (marked, not instanceof)', () => {
    const foreign = Object.assign(new Error('elsewhere'), { code: 'x', exitCode: 3 });
    Object.defineProperty(foreign, Symbol.for('@metaflow-gitops/stage-config.CliError'), { value: true });
    expect(errorReport(foreign).exitCode).toBe(3);
    expect(new CliError('m').code).toBe('failure');
  });
});
