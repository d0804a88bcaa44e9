import type { QuantisedNetwork } from '../ir/quantised-network.js';
import type { ModuleCommand } from '../models/module-protocol.js';
import { generateModule } from '../gen/generate-module.js';
import { resolveModule } from '../gen/registry.js';
import { peFormat } from '../gen/units/pe.js';
import { sacFormat } from '../gen/units/sac-pe.js';
import { codeBits, fromWord, toWord, weightWord } from '../models/pe-arith.js';
import { PE_MEM } from '../models/pe-model.js';
import { costModule, type ModuleCost, type ModuleCostOptions } from '../synth/module-cost.js';
import { AxhwError } from '../errors.js';
import type { LayerRows } from './layer-rows.js';
import { runSacLayer, sacLayerImage, sacLoadCommands, sacOutputCycles } from './sac-layer.js';

export interface PeCost extends ModuleCost {
  pe: 'mac' | 'sac';
  /** The PE as a unit spec. */
  spec: string;
  samples: number;
  /** Cycles per inference spent computing (MAC: a weight a cycle and a finishing cycle per output; SAC: start to done of every output). */
  computeCyclesPerInference: number;
  /** Cycles per inference spent writing each row's activations into the SAC PE's banks (0 for the MAC PE, fed one activation a cycle). */
  loadCyclesPerInference: number;
  energyPerInferencePj: Record<string, number> & { total: number };
  /** Outputs compared with the integer reference during the costed run (all equal). */
  compared: number;
}

const MULT = 'exact-mul:width=8,signed';
/** The 8-bit signed product (16 bits) needs 17 accumulator bits at least (pe's rule). */
const MIN_ACC = 17;

/** Both PEs' accumulator: as wide as the network's exact sums need (quantised-network.ts), at least MIN_ACC. */
export function networkAccBits(q: QuantisedNetwork): number {
  return Math.max(MIN_ACC, ...q.layers.map((l) => l.exactAccumulatorBits));
}

/** SAC segment width: a lane adds at most fan-in activations of magnitude 2^7, plus the sign. */
export function segmentBits(rows: readonly LayerRows[], acc: number): number {
  return Math.min(acc, Math.max(...rows.map((r) => Math.ceil(Math.log2(r.fanIn * 128 + 1)) + 1)));
}

function mismatch(pe: string, r: LayerRows, row: number, j: number, got: { acc: number; code: number }) {
  const i = row * r.outputs + j;
  return new AxhwError(
    `The gate-level ${pe} differs from the integer reference: layer ${r.k}, row ${row}, output ${j}: ` +
      `expected accumulator ${r.acc[i]} and code ${r.codes[i]}, got ${got.acc} and ${got.code}.`,
    'The synthesized netlist does not do what the RTL does: report it with the PE parameters.',
  );
}

const perInference = (cost: ModuleCost, n: number) =>
  ({
    ...Object.fromEntries(Object.entries(cost.groups).map(([g, v]) => [g, (v.energyJ / n) * 1e12])),
    total: (cost.total.energyJ / n) * 1e12,
  }) as Record<string, number> & { total: number };

/**
 * The MAC PE (8-bit exact multiplier, accumulator as wide as the network's sums need) running a whole network alone, at gate level: every
 * layer's weights
 * and biases loaded once, then for each row and output one weight a cycle and a finishing cycle (pipelined:
 * one cycle more per row), with every output checked against the integer reference. `rows` are `samples`
 * inferences' worth.
 */
export async function macPeCost(q: QuantisedNetwork, rows: LayerRows[], samples: number, o: ModuleCostOptions): Promise<PeCost> {
  const wdepth = rows.reduce((s, r) => s + r.fanIn * r.outputs, 0);
  const bdepth = rows.reduce((s, r) => s + r.outputs, 0);
  const acc = networkAccBits(q);
  const { unit, params } = resolveModule('pe', { mult: MULT, acc, wdepth: Math.max(2, wdepth), bdepth: Math.max(2, bdepth) });
  const d = generateModule(unit, params);
  const f = peFormat(d.children.mult!, acc);
  const cw = codeBits(f);
  let compute = 0;
  let compared = 0;
  const cost = await costModule(d, o, async (s) => {
    const load: ModuleCommand[] = [];
    let wb = 0;
    let bb = 0;
    const bases = rows.map((r) => {
      const l = q.layers[r.k]!;
      const words: bigint[] = [];
      // column-major: output j's weights at wbase + j * fanIn + t
      for (let j = 0; j < r.outputs; j++)
        for (let t = 0; t < r.fanIn; t++) words.push(BigInt(weightWord(f, l.weightCodes[t * r.outputs + j]!)));
      load.push(
        { kind: 'write', sel: PE_MEM.weights, addr: wb, words },
        { kind: 'write', sel: PE_MEM.biases, addr: bb, words: Array.from(l.bias, (b) => BigInt.asUintN(64, BigInt(b))) },
      );
      const at = { wb, bb };
      wb += words.length;
      bb += r.outputs;
      return at;
    });
    await s.run(load);
    await s.coverage('zero');
    for (const [k, r] of rows.entries()) {
      await s.run([
        { kind: 'set', port: 'relu', value: r.relu ? 1n : 0n },
        { kind: 'set', port: 'shift', value: BigInt.asUintN(7, BigInt(r.shift)) },
      ]);
      for (let row = 0; row < r.nRows; row++) {
        // The PE's two stages: each cycle issues a MAC (a weight read) or a finish (the bias read) and executes
        // the one issued before it, with that one's activation; an output's finish executes while the next
        // output's first weight is read, and one cycle after the row executes its last finish.
        const slots: ({ j: number; t: number } | { j: number; fin: true })[] = [];
        for (let j = 0; j < r.outputs; j++) {
          for (let t = 0; t < r.fanIn; t++) slots.push({ j, t });
          slots.push({ j, fin: true });
        }
        const cmds: ModuleCommand[] = [];
        const set = (port: string, value: number | bigint) => cmds.push({ kind: 'set', port, value: BigInt(value) });
        for (let i = 0; i <= slots.length; i++) {
          const issue = slots[i];
          const before = slots[i - 1];
          set('mac_en', issue && 't' in issue ? 1 : 0);
          set('fin_en', issue && 'fin' in issue ? 1 : 0);
          if (issue && 't' in issue) {
            set('mac_first', issue.t === 0 ? 1 : 0);
            set('waddr', bases[k]!.wb + issue.j * r.fanIn + issue.t);
          } else if (issue) set('baddr', bases[k]!.bb + issue.j);
          if (before && 't' in before) set('act', toWord(r.rows[row * r.fanIn + before.t]!, cw));
          cmds.push({ kind: 'run', cycles: 1 });
          if (before && 'fin' in before) cmds.push({ kind: 'peek' });
        }
        compute += slots.length + 1;
        const res = await s.run(cmds);
        let j = 0;
        for (const x of res) {
          if (x.kind !== 'peek') continue;
          const got = { acc: fromWord(Number(x.values[1]!), f.accBits), code: fromWord(Number(x.values[2]!), cw) };
          const i = row * r.outputs + j;
          if (got.acc !== r.acc[i] || got.code !== r.codes[i]) throw mismatch('MAC PE', r, row, j, got);
          j++;
          compared++;
        }
      }
    }
    return { cycles: compute };
  });
  return {
    ...cost,
    pe: 'mac',
    spec: `pe:mult=${MULT},acc=${acc},wdepth=${wdepth},bdepth=${bdepth}`,
    samples,
    computeCyclesPerInference: compute / samples,
    loadCyclesPerInference: 0,
    energyPerInferencePj: perInference(cost, samples),
    compared,
  };
}

/**
 * A SAC PE (8-bit codes, groups of `group`) sized for a network's layers: accumulator and segments as the
 * sums need, activation banks for the widest fan-in, and memories for one layer at a time (reloaded per
 * layer) or for the whole network at once; with each layer's kneaded image in its format.
 */
export function sacPeFor(q: QuantisedNetwork, rows: readonly LayerRows[], group: number, holds: 'layer' | 'network') {
  const adepth = Math.max(...rows.map((r) => r.fanIn));
  const acc = networkAccBits(q);
  const seg = segmentBits(rows, acc);
  // The word format depends on these only (the group row's width on adepth), not on the memory depths.
  const f = sacFormat({ width: 8, signed: true, group, acc, seg, adepth });
  const images = rows.map((r) => sacLayerImage(f, q.layers[r.k]!.weightCodes, r.fanIn, r.outputs));
  const size = (n: number[]) => Math.max(2, holds === 'network' ? n.reduce((a, b) => a + b, 0) : Math.max(...n));
  const kdepth = size(images.map((i) => i.words.length));
  const bdepth = size(rows.map((r) => r.outputs));
  const { unit, params } = resolveModule('sac-pe', {
    width: 8,
    signed: true,
    group,
    acc,
    seg,
    kdepth,
    adepth: Math.max(2, adepth),
    bdepth,
  });
  return {
    design: generateModule(unit, params),
    f,
    images,
    spec: `sac-pe:width=8,signed,group=${group},acc=${acc},seg=${seg},kdepth=${kdepth},adepth=${adepth},bdepth=${bdepth}`,
  };
}

/**
 * The SAC PE with kneading groups of `group` running the same network alone, at gate level: every layer's
 * kneaded words and biases loaded once; for each row its activations written into the banks, then each
 * output from start to done, checked against the integer reference.
 */
export async function sacPeCost(
  q: QuantisedNetwork,
  rows: LayerRows[],
  group: number,
  samples: number,
  o: ModuleCostOptions,
): Promise<PeCost> {
  const { design: d, f, images, spec } = sacPeFor(q, rows, group, 'network');
  let compute = 0;
  let total = 0;
  let predicted = 0;
  let compared = 0;
  const cost = await costModule(d, o, async (s) => {
    const load: ModuleCommand[] = [];
    let kb = 0;
    let bb = 0;
    const at = rows.map((r, k) => {
      const a = { kbase: kb, bbase: bb };
      load.push(...sacLoadCommands(images[k]!, q.layers[r.k]!.bias, a));
      kb += images[k]!.words.length;
      bb += r.outputs;
      return a;
    });
    await s.run(load);
    await s.coverage('zero');
    for (const [k, r] of rows.entries()) {
      const res = await runSacLayer((c) => s.run(c), f, {
        image: images[k]!,
        bias: q.layers[r.k]!.bias,
        rows: r.rows,
        nRows: r.nRows,
        fanIn: r.fanIn,
        relu: r.relu,
        shift: r.shift,
        loaded: at[k]!,
      });
      for (let i = 0; i < r.nRows * r.outputs; i++) {
        if (res.accOut[i] !== r.acc[i] || res.codes[i] !== r.codes[i])
          throw mismatch('SAC PE', r, Math.floor(i / r.outputs), i % r.outputs, { acc: res.accOut[i]!, code: res.codes[i]! });
        compute += res.cycles[i]!;
        predicted += sacOutputCycles(images[k]!.counts[i % r.outputs]!);
      }
      compared += r.nRows * r.outputs;
      // each row's activations are written first: fanIn cycles
      total += r.nRows * r.fanIn;
    }
    if (compute !== predicted)
      throw new AxhwError(
        `The gate-level SAC PE counted ${compute} cycles; the kneading predicts ${predicted}.`,
        'The synthesized netlist does not do what the RTL does: report it with the PE parameters.',
      );
    total += compute;
    return { cycles: total };
  });
  return {
    ...cost,
    pe: 'sac',
    spec,
    samples,
    computeCyclesPerInference: compute / samples,
    loadCyclesPerInference: (total - compute) / samples,
    energyPerInferencePj: perInference(cost, samples),
    compared,
  };
}
