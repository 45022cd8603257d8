import { formatPath, parseYamlWithPositions, YamlSyntaxError } from './yaml-positions';

describe('parseYamlWithPositions', () => {
  const text = [
    '# header',
    'a: 1',
    'b:',
    '  # comment',
    '  c: [x, "y"]',
    '  d:',
    '  e: {f: 1, g: [1, 2]}',
    'list:',
    '  - name: x',
    '    v: 012',
    '  -   "s"',
    'last: yes',
    '',
  ].join('\n');
  const parsed = parseYamlWithPositions(text);

  it('parses with the YAML core schema (no timestamps, yes stays a string)', () => {
    expect(parsed.value).toEqual({
      a: 1,
      b: { c: ['x', 'y'], d: null, e: { f: 1, g: [1, 2] } },
      list: [{ name: 'x', v: 12 }, 's'],
      last: 'yes',
    });
  });

  it.each([
    [['a'], { key: { line: 2, column: 1 }, value: { line: 2, column: 4 } }],
    [['b'], { key: { line: 3, column: 1 }, value: { line: 5, column: 3 } }],
    [['b', 'c'], { key: { line: 5, column: 3 }, value: { line: 5, column: 6 } }],
    [['b', 'c', 1], { key: undefined, value: { line: 5, column: 10 } }],
    [['b', 'd'], { key: { line: 6, column: 3 }, value: { line: 6, column: 3 } }],
    [['b', 'e', 'g', 1], { key: undefined, value: { line: 7, column: 20 } }],
    [['list', 0, 'v'], { key: { line: 10, column: 5 }, value: { line: 10, column: 8 } }],
    [['list', 1], { key: undefined, value: { line: 11, column: 7 } }],
    [['last'], { key: { line: 12, column: 1 }, value: { line: 12, column: 7 } }],
  ])('locates %j', (path, location) => {
    expect(parsed.locate(path)).toEqual(location);
  });

  it('does not locate what the document lacks', () => {
    expect(parsed.locate(['b', 'zz'])).toBeUndefined();
    expect(parsed.locate(['list', 5])).toBeUndefined();
  });

  it('locates syntax errors', () => {
    expect(() => parseYamlWithPositions('a: 1\n  b: 2\n')).toThrow(YamlSyntaxError);
    const err = (() => {
      try {
        parseYamlWithPositions('a: 1\n  b: 2\n');
      } catch (e) {
        return e as YamlSyntaxError;
      }
      return undefined;
    })();
    expect(err?.position).toEqual({ line: 2, column: 4 });
    expect(err?.reason).toBe('bad indentation of a mapping entry');
  });

  it('formats paths', () => {
    expect(formatPath(['network', 'availabilityZones', 1])).toBe('network.availabilityZones[1]');
    expect(formatPath([])).toBe('');
  });
});
