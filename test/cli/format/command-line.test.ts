import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { commandLine, shellWord } from '../../../src/cli/format/command-line.js';

describe('the recorded command line', () => {
  it('quotes only the words a shell would split or expand', () => {
    expect(
      commandLine(['node', 'axhw', 'train', '--data', 'breast-cancer', '--multiplier', 'drum:width=8,k=4,signed', '-o', 'out/bc']),
    ).toBe('axhw train --data breast-cancer --multiplier drum:width=8,k=4,signed -o out/bc');
    expect(shellWord('DRUM study')).toBe("'DRUM study'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('$HOME')).toBe("'$HOME'");
    expect(shellWord('a*')).toBe("'a*'");
    expect(shellWord('')).toBe("''");
  });

  it('a quoted line reads back, through a real shell, as the same words', async () => {
    const words = ['report', 'a b', "it's", '$HOME', 'x;y', 'plain'];
    const line = commandLine(['node', 'axhw', ...words]).replace(/^axhw /, '');
    const r = await execa('bash', ['-c', `printf '%s\\n' ${line}`]);
    expect(r.stdout.split('\n')).toEqual(words);
  });
});
