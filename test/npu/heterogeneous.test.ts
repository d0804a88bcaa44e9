import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dataRoot } from '../../src/data/datasets.js';
import { npuForModel } from '../../src/target/from-model.js';
import { runOnNpu } from '../../src/npu/run.js';
import { npuCost } from '../../src/npu/cost.js';
import { referenceInference } from '../../src/infer/reference.js';
import { predict } from '../../src/evaluate/predict.js';
import { FixedArithmetic } from '../../src/nn/fixed-arithmetic.js';
import { generateModule } from '../../src/gen/generate-module.js';
import { getModule } from '../../src/gen/registry.js';
import { requireTool } from '../helpers/tools.js';
import { trainForTest } from '../helpers/train.js';

/**
 * A heterogeneous NPU (PEs 0 and 1 of 4 on DRUM k = 2, the others exact, sign + 8-bit magnitude around
 * both) running a trained network whose neurons each have their own multiplier (a fixed, seeded mask):
 * the compiler places every neuron on a PE of its multiplier, and the RTL must equal the integer reference
 * that multiplies each neuron on its own multiplier, at every layer of every sample.
 */
let bc: string;
beforeAll(async () => {
  await requireTool('verilator');
  if (!existsSync(join(dataRoot(), 'root'))) throw new Error('data sets not fetched: run bash scripts/fetch-data.sh');
  bc = mkdtempSync(join(tmpdir(), 'axhw-npu-hetero-'));
  await trainForTest({ dataset: 'breast-cancer', epochs: 15, out: bc });
});

describe('breast-cancer MLP on a heterogeneous NPU', () => {
  const masks = [64, 64, 2].map((n, k) => Uint8Array.from({ length: n }, (_, j) => ((j * 5 + k) % 3 === 0 ? 1 : 0)));

  it('bit-exact with the per-neuron integer reference on the whole test split; a PE on the wrong multiplier is caught there', async () => {
    const n = await npuForModel({
      modelDir: bc,
      mult: 'exact-mul:width=8',
      approx: { mult: 'drum:width=8,k=2', masks },
      sizing: { P: 4, apes: 2 },
    });
    const { design } = n.target;
    expect([design.params.approx, design.params.apes, design.children.approx!.top]).toEqual(['drum:width=8,k=2', 2, 'drum_w8_k2']);
    const t = n.data.test;
    const r = await runOnNpu(n.target, t.x, t.n);
    expect(r.mismatch).toBeUndefined();
    expect(r.compared).toBe(t.n * n.target.compiled.layers.reduce((s, l) => s + l.outputs, 0));
    // The unplaced network's reference (each neuron on its own multiplier) and the training forward pass agree.
    const ref = referenceInference(n.q, t.x, t.n);
    expect(Array.from(r.predictions)).toEqual(Array.from(ref.predictions));
    const mixed = new FixedArithmetic({
      mult: n.q.mult,
      path: 'table',
      inputExps: n.inputExps,
      neurons: { approx: n.q.approx!, masks },
    });
    expect(Array.from(predict(n.net, t, mixed))).toEqual(Array.from(ref.predictions));
    // The mix matters: on the first multiplier alone the logits differ.
    const plain = referenceInference(
      { ...n.q, approx: undefined, layers: n.q.layers.map((l) => ({ ...l, onApprox: undefined })) },
      t.x,
      t.n,
    );
    expect(Array.from(plain.logits)).not.toEqual(Array.from(ref.logits));

    // Negative control: the same program on RTL whose PE 1 has the first multiplier (apes = 1).
    const swapped = generateModule(getModule('npu'), { ...design.params, apes: 1 }, design.children);
    const w = await runOnNpu({ ...n.target, design: swapped }, t.x, 4);
    expect(w.mismatch).toMatchObject({ layer: 0, pe: 1, what: 'output differs from the integer reference' });
    expect(w.mismatch!.neuron % 4).toBe(1);

    // Costed at gate level: both PE modules and both multipliers are parts, each with its instances, and the
    // memories' counted accesses equal the transaction model's (npuCost checks them, per PE instance).
    requireTool('yosys');
    requireTool('sta');
    const c = await npuCost(n.target, t.x, 1);
    const part = (m: string) => c.parts.find((p) => p.module === m);
    const pes = c.parts.filter((p) => p.module.startsWith('pe_') && p.kind === 'logic');
    expect(pes.map((p) => [p.module, p.instances])).toEqual([
      [design.submodules[0]!.top, 2],
      [design.submodules[1]!.top, 2],
    ]);
    expect([part('exact_mul_w8')?.instances, part('drum_w8_k2')?.instances]).toEqual([2, 2]);
    expect(c.energyPerInferencePj.multiplier).toBeGreaterThan(0);
    n.net.dispose();
  });

  it('any PEs may carry the second multiplier (amask): bit-exact on the whole test split; the same count elsewhere is caught', async () => {
    const n = await npuForModel({
      modelDir: bc,
      mult: 'exact-mul:width=8',
      approx: { mult: 'drum:width=8,k=2', masks },
      sizing: { P: 4, amask: '0110' },
    });
    const { design } = n.target;
    expect([design.params.apes, design.params.amask]).toEqual([2, '0110']);
    expect(n.target.spec).toContain('amask=0110');
    expect(design.sources[`${design.top}.v`]).toContain("localparam [4-1:0] AMASK = 4'b0110;");
    const t = n.data.test;
    const r = await runOnNpu(n.target, t.x, t.n);
    expect(r.mismatch).toBeUndefined();
    expect(Array.from(r.predictions)).toEqual(Array.from(referenceInference(n.q, t.x, t.n).predictions));
    // Negative control: the same program on RTL with the second multiplier on PEs 0 and 2 (the same count).
    const moved = generateModule(getModule('npu'), { ...design.params, amask: '1010' }, design.children);
    const w = await runOnNpu({ ...n.target, design: moved }, t.x, 4);
    expect(w.mismatch).toMatchObject({ layer: 0, what: 'output differs from the integer reference' });
    expect([0, 1]).toContain(w.mismatch!.pe);
    expect(w.mismatch!.neuron % 4).toBe(w.mismatch!.pe);
    n.net.dispose();
  });
});
