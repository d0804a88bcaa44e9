import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

/**
 * The declared default of every option of every command (and experiment), from the command tree, against
 * a reviewed snapshot: a default that changes (a seed, an epoch count, a clock) changes a result nobody
 * asked to change, so it must change here too, on purpose. The help text of an option whose default is
 * applied in code states it, so the description is pinned with the value.
 */
const leaves = (c: Command, path: string[] = []): { cmd: Command; path: string[] }[] =>
  c.commands.length ? c.commands.flatMap((s) => leaves(s, [...path, s.name()])) : [{ cmd: c, path }];

export async function declaredDefaults(): Promise<string> {
  const lines: string[] = [];
  for (const { cmd, path } of leaves(await buildProgram())) {
    for (const o of cmd.options) {
      if (o.hidden) continue;
      const value = o.defaultValue === undefined ? '(none)' : JSON.stringify(o.defaultValue);
      lines.push(`axhw ${path.join(' ')} ${o.flags} = ${value}  # ${o.description}`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('declared defaults', () => {
  it('every option of every command, as reviewed', async () => {
    await expect(await declaredDefaults()).toMatchFileSnapshot(join(import.meta.dirname, '__snapshots__', 'defaults.txt'));
  });
});
