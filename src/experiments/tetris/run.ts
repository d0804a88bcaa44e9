import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, backendLine } from '../../nn/backend.js';
import { runTrain } from '../../train/run.js';
import type { Method } from '../../train/methods.js';
import type { TetrisOptions } from './options.js';
import type { ExperimentContext } from '../experiment.js';
import { checkGroupSize, DEFAULT_GROUPS } from '../../tetris/groups.js';
import { quantisedModel, type QuantisedModel } from '../../target/from-model.js';
import { accuracy, predict } from '../../evaluate/predict.js';
import { referenceInference } from '../../infer/reference.js';
import { peFormat } from '../../gen/units/pe.js';
import { openModuleSessions } from '../../cosim/module-session.js';
import { analyzeNetwork } from '../../tetris/analyze.js';
import { layerRows } from '../../tetris/layer-rows.js';
import { runSacLayer, sacOutputCycles } from '../../tetris/sac-layer.js';
import { macPeCost, sacPeCost, sacPeFor, type PeCost } from '../../tetris/pe-cost.js';
import { perInferenceByMemoryKind } from '../../synth/module-cost.js';
import { AxhwError } from '../../errors.js';
import type { PeCostSummary, TetrisNetwork, TetrisResult } from './schema.js';
import { selectNetworks } from './options.js';
import { backendRecord } from '../backend-record.js';

/** The run's options: the command's, as declared once in options.ts, and the context of the run. */
export type TetrisExperimentOptions = TetrisOptions & ExperimentContext;

/** A network of the experiment: how it is trained, and how much of it runs on the PEs' RTL. */
interface NetworkPlan {
  name: string;
  description: string;
  dataset: string;
  model?: string;
  method: Method;
  multiplier?: string;
  ntvRate?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  limitTrain?: number;
  limitTest?: number;
  /** Test samples run on the SAC PE's RTL. */
  rtlSamples: number;
  /** Test samples in the gate-level cost runs of both PEs (0: not costed). */
  costSamples: number;
}

function plan(quick: boolean): NetworkPlan[] {
  const bc = { dataset: 'breast-cancer', epochs: quick ? 10 : 20, batchSize: 32, learningRate: 1e-3, rtlSamples: quick ? 4 : 114 };
  return [
    {
      name: 'bc-bp',
      description: 'breast-cancer MLP 30-64-64-2, back-propagation',
      ...bc,
      method: 'bp',
      costSamples: quick ? 1 : 8,
    },
    {
      name: 'bc-axtrain',
      description: 'breast-cancer MLP, AxTrain (act then pas) on DRUM k = 3',
      ...bc,
      method: 'axtrain',
      multiplier: 'drum:width=8,k=3,signed',
      costSamples: quick ? 0 : 8,
    },
    {
      name: 'bc-ntv',
      description: 'breast-cancer MLP, AxTrain for NTV storage (bit-flip rate 0.01, 660 mV) on exact-mul',
      ...bc,
      method: 'axtrain',
      multiplier: 'exact-mul:width=8,signed',
      ntvRate: 0.01,
      costSamples: 0,
    },
    {
      name: 'fm-mlp',
      description: 'Fashion-MNIST MLP 784-128-128-10, back-propagation',
      dataset: 'fashion-mnist',
      model: 'mnist-mlp',
      method: 'bp',
      epochs: quick ? 1 : 2,
      batchSize: 64,
      learningRate: 1e-3,
      ...(quick && { limitTrain: 5000, limitTest: 500 }),
      rtlSamples: quick ? 1 : 10,
      costSamples: quick ? 0 : 1,
    },
    {
      name: 'lenet',
      description: 'LeNet-5 on Fashion-MNIST, back-propagation',
      dataset: 'fashion-mnist',
      model: 'mnist-cnn',
      method: 'bp',
      epochs: 1,
      batchSize: 64,
      learningRate: 1e-3,
      limitTrain: quick ? 2000 : 20000,
      limitTest: quick ? 200 : 2000,
      rtlSamples: 1,
      costSamples: quick ? 0 : 1,
    },
  ];
}

/** The PEs compute with 8-bit two's-complement codes (exact-mul:width=8,signed's); SAC computes the same products exactly. */
const PE_MULT = 'exact-mul:width=8,signed';

export async function runTetrisExperiment(o: TetrisExperimentOptions): Promise<TetrisResult> {
  return runNetworks(o, selectNetworks(o.networks));
}

/** Networks [first, end) of the run's (a shard): the result for those alone. */
export async function runTetrisPart(o: TetrisExperimentOptions, first: number, end: number): Promise<TetrisResult> {
  return runNetworks(o, selectNetworks(o.networks).slice(first, end));
}

/** The whole run's result from its shards' results in order: each network's analysis, check and cost stand alone. */
export function mergeTetrisParts(parts: TetrisResult[]): TetrisResult {
  return { ...parts[0]!, networks: parts.flatMap((p) => p.networks), cost: parts.flatMap((p) => p.cost) };
}

async function runNetworks(o: TetrisExperimentOptions, names: string[]): Promise<TetrisResult> {
  const log = o.log ?? (() => {});
  const quick = o.quick === true;
  const groups = o.groups ?? [...DEFAULT_GROUPS];
  const costGroup = o.costGroup ?? 8;
  // Also here for runs not started from the command line (its options check as they are read).
  for (const g of [...groups, costGroup]) checkGroupSize(g);
  const plans = plan(quick).filter((p) => names.includes(p.name));
  const backend = await initBackend(o.backend);
  log(backendLine(backend));
  const work = mkdtempSync(join(tmpdir(), 'axhw-tetris-'));
  const networks: TetrisNetwork[] = [];
  const cost: TetrisResult['cost'] = [];
  try {
    for (const p of plans) {
      log(`${p.name}: training (${p.description})`);
      const dir = join(work, p.name);
      await runTrain({
        dataset: p.dataset,
        model: p.model,
        method: p.method,
        multiplier: p.multiplier,
        ntvRate: p.ntvRate,
        ntvDraws: 1,
        epochs: p.epochs,
        batchSize: p.batchSize,
        learningRate: p.learningRate,
        limitTrain: p.limitTrain,
        limitTest: p.limitTest,
        seed: o.seed,
        out: dir,
        command: o.command,
        backend: o.backend,
      });
      const m = await quantisedModel({ modelDir: dir, mult: PE_MULT });
      try {
        const t = m.data.test;
        const f = peFormat(m.child, 32);
        log(`${p.name}: kneading analysis, groups ${groups.join(', ')}`);
        const analysis = analyzeNetwork(m.q, f, groups);
        log(`${p.name}: the SAC PE's RTL on ${p.rtlSamples} test samples (group ${costGroup})`);
        const rtlCheck = await sacRtlCheck(m, costGroup, Math.min(p.rtlSamples, t.n));
        networks.push({
          name: p.name,
          description: p.description,
          dataset: p.dataset,
          model: m.q.spec.name,
          method: p.method,
          accuracy: {
            float: accuracy(predict(m.net, t), t.y),
            integer: accuracy(referenceInference(m.q, t.x, t.n).predictions, t.y),
            testSamples: t.n,
          },
          analysis,
          rtlCheck,
        });
        if (p.costSamples > 0) {
          const rows = layerRows(m.q, t.x, p.costSamples, 32);
          log(`${p.name}: MAC PE at gate level on ${p.costSamples} samples`);
          const mac = await macPeCost(m.q, rows, p.costSamples, { log });
          log(`${p.name}: SAC PE (group ${costGroup}) at gate level on ${p.costSamples} samples`);
          const sac = await sacPeCost(m.q, rows, costGroup, p.costSamples, { log });
          cost.push({ network: p.name, library: mac.library.name, clockNs: mac.clockNs, mac: summary(mac), sac: summary(sac) });
        }
      } finally {
        m.net.dispose();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return {
    format: 'axhw-tetris-experiment',
    version: 1,
    command: o.command,
    quick,
    seed: o.seed,
    backend: backendRecord(backend),
    definitions: {
      weights:
        "8-bit codes of the exact-mul:width=8,signed PE (two's complement, per-layer power-of-two scale); " +
        'SAC computes the same integer network',
      zeroBits:
        "share of 0 bits among the stored words' bits: two's complement (8 bits) and sign-magnitude " +
        '(a sign and 7 magnitude bits; a -128 code, with no such form, counted with 8 magnitude bits)',
      essentialBits: "ones in the weights' magnitudes: the additions a SAC lane does",
      kneading:
        'per output, its weights in groups of G along the fan-in; in a group each magnitude bit (lane) ' +
        'lists the weights with a one there; kneaded word t takes the t-th entry of every lane, so a ' +
        'group costs its busiest lane',
      workCycles:
        'one PE running the whole network: MAC one cycle per weight per input row (dense: per sample; ' +
        'convolution: per output pixel); SAC one per kneaded word per row. Speed-up = MAC / SAC work ' +
        'cycles',
      zeroValueSpeedup: 'skipping zero weights only (one cycle per non-zero weight)',
      idealSpeedup: 'every lane of every kneaded word filled: essential bits / 8 lanes per row',
      peCost:
        'each PE synthesized (Yosys + ABC, osu018) and simulated at gate level on real test samples, ' +
        'every output checked against the integer reference; energy from the toggles of the run (Liberty ' +
        'energies) plus leakage; memories charged per counted access as clock-gated flip-flop register files ' +
        'characterised the same way, and under each memory kind side by side (sram: GF180MCU macros; ff-ungated: ' +
        'clocked every cycle, the upper bound; npu cost). MAC: pe with exact-mul:width=8,signed, the whole network in its weight memory; ' +
        "SAC: sac-pe, the whole network kneaded in its word memory, a row's activations written into " +
        'its banks before its outputs (load cycles, in the energy). Both accumulators as wide as the ' +
        "network's exact sums need; SAC segments as wide as a lane's sum can grow (fan-in x 2^7, signed). " +
        'Under the ungated bound a memory costs bits x cycles, which favours the PE with fewer bits; under the ' +
        'access-based kinds it costs its reads and writes',
      time: "cycles x the PE's own critical path (each PE at its fastest clock)",
      peCycles:
        'MAC: fan-in + 1 (finishing) cycles per output; SAC: kneaded words + 2 (start, finishing) per ' +
        'output, plus fan-in load cycles per row',
    },
    groups: groups,
    costGroup: costGroup,
    networks,
    cost,
    paper: { zeroBitShare: 0.689, speedup: 1.5, powerEfficiency: 5.33 },
  };
}

function summary(c: PeCost): PeCostSummary {
  return {
    pe: c.pe,
    spec: c.spec,
    samples: c.samples,
    computeCyclesPerInference: c.computeCyclesPerInference,
    loadCyclesPerInference: c.loadCyclesPerInference,
    areaUm2: { ...Object.fromEntries(Object.entries(c.groups).map(([g, v]) => [g, v.area])), total: c.total.area },
    energyPerInferencePj: c.energyPerInferencePj,
    energyPerInferenceByMemoryKind: perInferenceByMemoryKind(c, c.samples),
    delayNs: c.timing.delayNs,
    compared: c.compared,
    cells: c.simulation.cells,
    parts: c.parts.map((p) => ({
      module: p.module,
      group: p.group,
      kind: p.kind,
      instances: p.instances,
      areaUm2: p.area,
      energyPerInferencePj: (p.energyJ / c.samples) * 1e12,
      ...(p.memory?.costed && { bits: p.memory.bits }),
    })),
  };
}

/** The SAC PE's RTL (accumulator and segments as in the cost runs) on `n` test samples, every layer: outputs = the integer reference,
 * cycles = kneaded words + 2 per output. */
async function sacRtlCheck(m: QuantisedModel, group: number, n: number): Promise<TetrisNetwork['rtlCheck']> {
  const rows = layerRows(m.q, m.data.test.x, n, 32);
  const { design, f, images } = sacPeFor(m.q, rows, group, 'layer');
  const [s] = await openModuleSessions(design, 1);
  let outputs = 0;
  let measured = 0;
  let predicted = 0;
  try {
    for (const [k, r] of rows.entries()) {
      const image = images[k]!;
      const res = await runSacLayer((c) => s!.run(c), f, {
        image,
        bias: m.q.layers[r.k]!.bias,
        rows: r.rows,
        nRows: r.nRows,
        fanIn: r.fanIn,
        relu: r.relu,
        shift: r.shift,
      });
      for (let i = 0; i < r.nRows * r.outputs; i++) {
        if (res.accOut[i] !== r.acc[i] || res.codes[i] !== r.codes[i])
          throw new AxhwError(
            `The SAC PE's RTL differs from the integer reference: layer ${r.k}, row ${Math.floor(i / r.outputs)}, ` +
              `output ${i % r.outputs}: expected ${r.acc[i]} (code ${r.codes[i]}), got ${res.accOut[i]} (code ${res.codes[i]}).`,
            'This is a bug in axhw: report it with the command you ran.',
          );
        measured += res.cycles[i]!;
        predicted += sacOutputCycles(image.counts[i % r.outputs]!);
      }
      outputs += r.nRows * r.outputs;
    }
  } finally {
    await s!.close();
  }
  if (measured !== predicted)
    throw new AxhwError(
      `The SAC PE counted ${measured} cycles; the kneading predicts ${predicted}.`,
      'This is a bug in axhw: report it with the command you ran.',
    );
  return { group, samples: n, outputs, cyclesMeasured: measured, cyclesPredicted: predicted };
}
