import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { examplesOf } from '../../src/cli/format/examples.js';
import { resolveUnitSpec } from '../../src/gen/unit-spec.js';

/** Each command's --help ends with real examples: its own flags, values its choices accept, units that resolve. */
const leaves = (c: Command, path: string[] = []): { cmd: Command; path: string[] }[] =>
  c.commands.length ? c.commands.flatMap((s) => leaves(s, [...path, s.name()])) : [{ cmd: c, path }];

const program = await buildProgram();

describe('--help examples', () => {
  const commands = leaves(program);

  it('every command has two or three examples, shown at the end of its help', () => {
    for (const { cmd, path } of commands) {
      const ex = examplesOf(cmd);
      expect(ex.length, path.join(' ')).toBeGreaterThanOrEqual(path[0] === 'experiment' ? 1 : 2);
      expect(ex.length).toBeLessThanOrEqual(3);
      let help = '';
      cmd.configureOutput({ writeOut: (s) => (help += s) });
      cmd.outputHelp();
      expect(help).toMatch(/\nExamples:\n/);
      for (const e of ex) expect(help).toContain(`$ ${e}`);
    }
  });

  it("examples use only the command's own options, with accepted values, and units that resolve", () => {
    for (const { cmd, path } of commands) {
      for (const e of examplesOf(cmd)) {
        const words = e.split(' ');
        expect(words.slice(0, 1 + path.length), e).toEqual(['axhw', ...path]);
        const args = words.slice(1 + path.length);
        for (let i = 0; i < args.length; i++) {
          const a = args[i]!;
          // What follows -- is another command's line (axhw plan's): `axhw plan` checks it when the example runs.
          if (a === '--') break;
          if (!a.startsWith('-')) {
            // A positional unit (spec) must resolve in the registry.
            if (i === 0 && cmd.registeredArguments[0]?.name() === 'unit') expect(() => resolveUnitSpec(a), e).not.toThrow();
            continue;
          }
          const opt = cmd.options.find((o) => o.long === a || o.short === a);
          expect(opt, `${e}: ${a}`).toBeDefined();
          if (opt!.required || opt!.optional) {
            const v = args[++i]!;
            if (opt!.argChoices) expect(opt!.argChoices, e).toContain(v);
            if (opt!.parseArg && !opt!.argChoices) expect(() => opt!.parseArg!(v, undefined), `${e}: ${a} ${v}`).not.toThrow();
            // options that take a unit spec name one that resolves
            if (opt!.long === '--mult' || opt!.long === '--multiplier') expect(() => resolveUnitSpec(v), `${e}: ${a} ${v}`).not.toThrow();
          }
        }
      }
    }
  });
});
