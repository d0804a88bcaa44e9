import { getModule } from '../gen/registry.js';
import { peInstance } from '../gen/units/npu.js';
import { NpuModel, type MemoryAccess, type NpuAccesses, type PeSplit } from '../models/npu-model.js';
import type { AccessCounts } from '../synth/memory-access.js';
import { AxhwError } from '../errors.js';
import { inputWords } from './compile.js';
import { loadCommands } from './run.js';
import type { NpuTarget } from './target.js';

/** The transaction model's counts by memory instance, named as the RTL names them (rtl-templates/npu.v.hbs, pe.v.hbs). */
export function accessesByInstance(a: NpuAccesses, split: PeSplit): Map<string, MemoryAccess> {
  const m = new Map<string, MemoryAccess>([
    ['prog', a.prog],
    ['act0', a.act[0]],
    ['act1', a.act[1]],
  ]);
  a.wmem.forEach((x, p) => m.set(`${peInstance(p, split)}.wmem`, x));
  a.fmask.forEach((x, p) => m.set(`${peInstance(p, split)}.fmask`, x));
  a.bmem.forEach((x, p) => m.set(`${peInstance(p, split)}.bmem`, x));
  return m;
}

/** The memory accesses of `n` inferences on the NPU's transaction model, after loading its images (as `npu cost` runs them). */
export function modelAccesses(t: NpuTarget, x: Float32Array, n: number): Map<string, MemoryAccess> {
  const { compiled, design, geo } = t;
  const model = getModule(design.unit).model(design.params, design.children);
  if (!(model instanceof NpuModel)) throw new Error(`${design.unit}: its model is not the NPU's transaction model`);
  model.run(loadCommands(compiled, geo));
  model.resetAccesses();
  const features = compiled.program.inputSize;
  const input: bigint[] = [];
  for (let i = 0; i < n; i++) input.push(...inputWords(x, i * features, features, compiled.inputExp, geo.format));
  model.run([{ kind: 'run', cycles: Number.MAX_SAFE_INTEGER, dones: n, input }]);
  return accessesByInstance(model.accesses, geo);
}

/**
 * The RTL's counted accesses against the transaction model's, memory by memory: reads on the datapath port and
 * writes. Throws naming the first memory that differs (a controller that reads when it need not, or uses data
 * it did not enable, is wrong about its energy even where its results are right).
 */
export function checkAccesses(rtl: AccessCounts, model: ReadonlyMap<string, MemoryAccess>): void {
  const seen = new Set<string>();
  for (const m of rtl.memories) {
    const want = model.get(m.instance);
    if (!want)
      throw new AxhwError(
        `The RTL has a memory ${m.instance} the NPU's transaction model does not count.`,
        'Count it in src/models/npu-model.ts.',
      );
    seen.add(m.instance);
    const got = { reads: m.reads[0] ?? 0, writes: m.writes };
    for (const what of ['reads', 'writes'] as const)
      if (got[what] !== want[what])
        throw new AxhwError(
          `Memory ${m.instance}: the RTL ${what === 'reads' ? 'reads it' : 'writes it'} ${got[what]} times in the costed run, ` +
            `the transaction model ${want[what]}.`,
          "The controller's or a PE's enables (rtl-templates/npu.v.hbs, pe.v.hbs) and src/models/npu-model.ts disagree: " +
            'one of them is wrong.',
        );
  }
  const missing = [...model.keys()].filter((k) => !seen.has(k));
  if (missing.length)
    throw new AxhwError(`The costed run counted no accesses of ${missing.join(', ')}.`, 'Probe every memory instance of the NPU.');
}
