import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What a command loads before it runs: the static (non-type) imports, and top-level requires, reachable
 * from a file of src/, and the packages among them. Dynamic `import()`, and a require inside a function,
 * are not followed: that is how a command defers what only its run needs. TensorFlow.js costs about
 * 0.1 s to load with require (src/nn/tf.ts), half a second as an ES import.
 */
const SRC = resolve(import.meta.dirname, '..', 'src');

function reachable(entry: string): { packages: Map<string, string[]>; files: string[] } {
  const start = join(SRC, entry);
  const via = new Map<string, string | undefined>([[start, undefined]]);
  const packages = new Map<string, string[]>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    const text = readFileSync(file, 'utf8');
    // An import that is not type-only, or a require at the top level (TensorFlow.js is loaded so, src/nn/tf.ts)
    const loads = [
      ...text.matchAll(/^import\s+(?!type\b)[^'"]*?['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^(?:export )?const [^\n]*?\bcreateRequire\(import\.meta\.url\)\(['"]([^'"]+)['"]\)/gm),
    ];
    for (const m of loads) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        if (!packages.has(spec)) {
          const chain: string[] = [];
          for (let f: string | undefined = file; f; f = via.get(f)) chain.unshift(relative(SRC, f));
          packages.set(spec, chain);
        }
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target) || via.has(target)) continue;
      via.set(target, file);
      queue.push(target);
    }
  }
  return { packages, files: [...via.keys()].map((f) => relative(SRC, f)) };
}
const reachablePackages = (entry: string) => reachable(entry).packages;

const tensorflow = (entry: string) => [...reachablePackages(entry)].filter(([p]) => p.startsWith('@tensorflow/'));

describe('start-up: each command loads what it uses', () => {
  it('building the command tree (axhw --version, --help, option errors) loads no TensorFlow.js', () => {
    expect(tensorflow('cli/main.ts')).toEqual([]);
  });

  it('the command tree loads a command only when it is named: a run imports its own command and no other', async () => {
    expect(reachable('cli/main.ts').files.filter((f) => f.startsWith('cli/commands/'))).toEqual([]);
    const { buildProgram, commandOf } = await import('../src/cli/program.js');
    expect(commandOf(['node', 'axhw', 'units', '--json'])).toBe('units');
    // help, a bare option and a typo build the whole tree (commander lists or suggests the commands)
    expect([['help'], ['--help'], ['unit'], []].map((a) => commandOf(['node', 'axhw', ...a]))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect((await buildProgram('units')).commands.map((c) => c.name())).toEqual(['units']);
    expect((await buildProgram()).commands.length).toBeGreaterThan(10);
    // the check can fail: it follows static imports (a command's own reach its option helpers)
    expect(reachable('cli/commands/units.ts').files).toContain('cli/format/examples.ts');
  });

  it.each(['gen', 'verify', 'lut', 'synth', 'characterize', 'units', 'report'])(
    'axhw %s, which trains nothing, loads no TensorFlow.js',
    (command) => {
      expect(tensorflow(`cli/run/${command}.ts`)).toEqual([]);
    },
  );

  it('axhw tetris analyze loads TensorFlow.js only to read a network: a weight table, and a refusal, need none', () => {
    expect(tensorflow('cli/run/tetris.ts')).toEqual([]);
    expect(readFileSync(join(SRC, 'cli', 'run', 'tetris.ts'), 'utf8')).toMatch(/await import\('\.\.\/\.\.\/target\/from-model\.js'\)/);
  });

  it('axhw verify loads neither execa nor the xz decoder nor the progress bar before it runs (about 0.2 s of a cached verify)', () => {
    const loaded = [...reachablePackages('cli/run/verify.ts').keys()];
    expect(loaded.filter((p) => ['execa', '@napi-rs/lzma/xz', 'cli-progress'].includes(p))).toEqual([]);
    // the check reads the imports it should: verify does load the CLI parser and the schema library
    expect(loaded).toEqual(expect.arrayContaining(['commander', 'zod']));
  });

  it('the check can fail: axhw train does load TensorFlow.js, and the chain to it is named', () => {
    const found = tensorflow('cli/run/train.ts');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]![1][0]).toBe('cli/run/train.ts');
  });
});
