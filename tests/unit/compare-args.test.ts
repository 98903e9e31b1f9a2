import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type CliOptions } from '../../src/cli/args';

function options(argv: readonly string[]): CliOptions {
  const o = parseArgs(argv);
  if (typeof o === 'string') throw new Error(`expected options, got ${o}`);
  return o;
}

describe('coreview a b --compare', () => {
  it('takes two positionals only with --compare, as text or --json, with the stacks pass', () => {
    expect(options(['a.core', 'b.core', '--compare'])).toMatchObject({
      file: 'a.core',
      compareWith: 'b.core',
      mode: 'table',
      stacks: true,
    });
    expect(options(['--compare', '--json', '--scan', 'a.core', 'b.json'])).toMatchObject({
      file: 'a.core',
      compareWith: 'b.json',
      mode: 'json',
      scan: true,
    });
    expect(options(['a.core'])).not.toHaveProperty('compareWith');
  });

  it('refuses one file, three, other modes and a second core without --compare', () => {
    expect(() => parseArgs(['a.core', '--compare'])).toThrow(
      new UsageError('--compare takes two dumps or reports (got 1)'),
    );
    expect(() => parseArgs(['a', 'b', 'c', '--compare'])).toThrow('--compare takes two dumps or reports (got 3)');
    expect(() => parseArgs(['a', 'b', '--compare', '--threads'])).toThrow('--compare goes alone, with --json');
    expect(() => parseArgs(['a', 'b', '--compare', '--json', '--registers'])).toThrow('--compare goes alone');
    expect(() => parseArgs(['a', 'b'])).toThrow('one core at a time (got a and b)');
  });
});
