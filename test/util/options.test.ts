import { describe, expect, expectTypeOf, it } from 'vitest';
import { Command } from 'commander';
import { addOptions, choice, flag, optionDefaults, optionValues, parsed, text, texts, toNameList } from '../../src/util/options.js';
import { toCount } from '../../src/util/numbers.js';
import { buildProgram } from '../../src/cli/program.js';

const SET = {
  count: parsed('--count <n>', 'a count', toCount).default(3),
  name: text('--name <text>', 'a name'),
  files: texts('--files <f...>', 'files'),
  mode: choice('--mode <m>', 'a mode', ['a', 'b']).default('a'),
  out: text('-o, --out <dir>', 'folder').mandatory(),
  dryRun: flag('--dry-run', 'do nothing'),
};

/** Parse argv with a command holding SET, returning the typed values. */
function parse(argv: string[]) {
  const cmd = addOptions(new Command('t').exitOverride().configureOutput({ writeErr: () => {} }), SET);
  let values: ReturnType<typeof optionValues<typeof SET>> | undefined;
  cmd.action((o: object) => {
    values = optionValues(SET, o);
  });
  cmd.parse(argv, { from: 'user' });
  return values!;
}

describe('options declared once', () => {
  it('flags, parsers, defaults and choices come from the declaration', () => {
    const v = parse(['--count', '5', '--files', 'x', 'y', '-o', 'd', '--dry-run']);
    expect(v).toEqual({ count: 5, name: undefined, files: ['x', 'y'], mode: 'a', out: 'd', dryRun: true });
    expect(parse(['-o', 'd'])).toMatchObject({ count: 3, dryRun: undefined });
  });

  it('refuses what the declaration refuses (commander exits 1 there; axhw maps it to 2)', () => {
    expect(() => parse(['--count', '0', '-o', 'd'])).toThrow(/--count <n>' argument '0' is invalid. It must be 1 or more/);
    expect(() => parse(['--mode', 'c', '-o', 'd'])).toThrow(/Allowed choices are a, b/);
    expect(() => parse([])).toThrow(/required option '-o, --out <dir>' not specified/);
  });

  it('types the values: present where a default or mandatory guarantees it', () => {
    const v = optionDefaults(SET, { out: 'x' });
    expectTypeOf(v.count).toEqualTypeOf<number>();
    expectTypeOf(v.mode).toEqualTypeOf<'a' | 'b'>();
    expectTypeOf(v.out).toEqualTypeOf<string>();
    expectTypeOf(v.name).toEqualTypeOf<string | undefined>();
    expectTypeOf(v.files).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(v.dryRun).toEqualTypeOf<true | undefined>();
    expect(v).toEqual({ count: 3, name: undefined, files: undefined, mode: 'a', out: 'x', dryRun: undefined });
  });

  it('a key that is not the name commander gives the value is refused at once', () => {
    expect(() => addOptions(new Command('t'), { lr: text('--learning-rate <x>', 'x') })).toThrow(
      /declared as 'lr'; commander names its value 'learningRate'/,
    );
  });

  it('every command of the CLI builds (each declaration has the key commander gives it)', async () => {
    await expect(buildProgram()).resolves.toBeDefined();
  });

  it('name lists drop blanks', () => {
    expect(toNameList(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(toNameList('')).toEqual([]);
  });
});
