import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The data flow of src/, as layers: a module may import its own layer or a lower one, never a higher
 * one, and two different folders of one layer may not import each other. docs/architecture.md states
 * the same order.
 */
const LAYERS: string[][] = [
  ['errors.ts', 'paths.ts'],
  ['util'],
  ['tools.ts'],
  ['shard'],
  ['doc', 'data', 'models'],
  ['arith'],
  ['gen'],
  ['cosim', 'external'],
  ['verify', 'lut'],
  ['multipliers'],
  ['metrics', 'synth'],
  ['characterize'],
  ['ir'],
  ['infer'],
  ['npu', 'tetris'],
  ['nn'],
  ['evaluate'],
  ['target', 'onnx'],
  ['train'],
  ['axnet'],
  ['experiments'],
  ['report'],
  ['demo'],
  ['cli'],
];
const src = resolve(import.meta.dirname, '..', 'src');
const group = (file: string) => relative(src, file).split('/')[0]!;
const rank = (g: string) => LAYERS.findIndex((l) => l.includes(g));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** [importer, imported] for every relative import in src/. */
function edges(): [string, string][] {
  return files(src).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m): [string, string] => [
      f,
      resolve(dirname(f), m[1]!.replace(/\.js$/, '.ts')),
    ]),
  );
}

export function violations(list: [string, string][]): string[] {
  return list
    .filter(([a, b]) => {
      const [ga, gb] = [group(a), group(b)];
      return ga !== gb && (rank(gb) > rank(ga) || rank(gb) === rank(ga));
    })
    .map(([a, b]) => `${relative(src, a)} imports ${relative(src, b)}`);
}

describe('layering (the data flow of src/)', () => {
  it('every folder of src/ has a layer', () => {
    const unplaced = readdirSync(src).filter((g) => rank(g) < 0);
    expect(unplaced).toEqual([]);
  });

  it('no import runs against the data flow', () => {
    const all = edges();
    expect(all.length).toBeGreaterThan(300);
    expect(violations(all)).toEqual([]);
  });

  it('the check can fail (negative controls)', () => {
    expect(violations([[join(src, 'gen/unit.ts'), join(src, 'nn/network.ts')]])).toHaveLength(1); // upward
    expect(violations([[join(src, 'lut/io.ts'), join(src, 'verify/verify.ts')]])).toHaveLength(1); // sideways
    expect(violations([[join(src, 'nn/network.ts'), join(src, 'arith/ntv.ts')]])).toHaveLength(0); // downward
  });
});
