import type { QuantisedAxnet } from '../ir/quantised-axnet.js';
import { controlOffset } from '../ir/quantised-axnet.js';
import type { QuantisedLayer } from '../ir/quantised-network.js';
import { AxhwError } from '../errors.js';
import type { Instruction } from '../models/npu-program.js';
import type { NpuGeometry } from '../models/npu-model.js';
import { assemble, checkMultiplier, packLayer, requantShift, type CompiledNetwork, type LayerMapEntry } from './compile.js';

/** Changes to what the compiler writes, for the negative controls. */
export interface AxnetCompileFaults {
  /** Add this to the Hadamard step's shift of the first connected layer. */
  hadamardShiftDelta?: number;
  /** Read the first connected layer's control codes this many places off. */
  controlOffsetDelta?: number;
}

/**
 * A quantised AXNet framework -> a program for an NPU with the Hadamard step (hadamard=1), in the integer
 * reference's stage order. Buffer 0 holds the input codes at [0, N) and the control codes at [N, N + C)
 * for the whole inference; the predictor's hidden layer goes to buffer 1, its control columns to buffer 0
 * at N, its 2 logits stream out; approximator layer k reads buffer k mod 2 (layer 0 the input; even layers
 * after it at N + C) and writes the other (buffer 1 at 0, buffer 0 at N + C), so nothing live is
 * overwritten; a connected hidden layer's outputs take the Hadamard step with their control codes; the last
 * layer's accumulators (H(x)) stream out after the logits.
 */
// Stryker disable StringLiteral: the stage names in error messages (the layer map's names are tested)
export function compileAxnet(q: QuantisedAxnet, geo: NpuGeometry, faults: AxnetCompileFaults = {}): CompiledNetwork {
  const f = geo.format;
  const name = 'the AXNet framework';
  if (!geo.hadamard)
    throw new AxhwError(
      `${name} needs the PEs' Hadamard step, and this NPU has none.`,
      'Generate the NPU with hadamard (npu:...,hadamard).',
    );
  checkMultiplier(q.mult, f);
  const all = [...q.predictor, ...q.approximator];
  const need = Math.max(...all.map((l) => l.exactAccumulatorBits));
  if (need > f.accBits)
    throw new AxhwError(
      `${name}'s sums need ${need}-bit accumulators to be exact (the integer reference does not saturate), ` +
        `but the NPU has acc=${f.accBits}.`,
      `Use an NPU with acc=${need} or more.`,
    );
  const N = q.inputs;
  const C = q.controls;
  const weights = Array.from({ length: geo.P }, () => [] as number[]);
  const biases = Array.from({ length: geo.P }, () => [] as number[]);
  const layers: Instruction[] = [];
  const map: LayerMapEntry[] = [];
  // Each buffer holds what is written to it (and buffer 0 the input): the deeper one sizes both.
  let activationWords = N;
  const scale = (l: QuantisedLayer) => l.inputExp + l.weightExp;
  const dense = (
    l: QuantisedLayer,
    what: string,
    o: {
      from?: number;
      count?: number;
      src: 0 | 1;
      srcOffset: number;
      dstOffset: number;
      relu: boolean;
      last: boolean;
      shift: number;
      hadamard?: Instruction['hadamard'];
    },
  ): void => {
    const count = o.count ?? l.outputs;
    const { wbase, bbase } = packLayer(weights, biases, l, o.from ?? 0, count, f, what);
    const ext = {
      ...(o.srcOffset ? { srcOffset: o.srcOffset } : {}),
      ...(o.dstOffset ? { dstOffset: o.dstOffset } : {}),
      ...(o.hadamard ? { hadamard: o.hadamard } : {}),
    };
    layers.push({
      op: 'mac',
      relu: o.relu,
      last: o.last,
      src: o.src,
      shift: o.shift,
      pad: 0,
      k: 1,
      h: 1,
      w: 1,
      c: l.fanIn,
      f: count,
      oh: 1,
      ow: 1,
      fanIn: l.fanIn,
      groups: Math.ceil(count / geo.P),
      wbase,
      bbase,
      ...ext,
    });
    if (!o.last) activationWords = Math.max(activationWords, o.dstOffset + count);
  };
  const entry = (what: string, outputs: number, exp: { codeExp?: number; accExp?: number }) =>
    map.push({ modelLayer: map.length, kind: 'dense', op: 'mac', outputs, ...exp, cycles: 0, name: what });

  const [p0, p1] = q.predictor as [QuantisedLayer, QuantisedLayer];
  dense(p0, 'predictor hidden', {
    src: 0,
    srcOffset: 0,
    dstOffset: 0,
    relu: true,
    last: false,
    shift: requantShift(scale(p0) - p1.inputExp, f.accBits, 'predictor hidden'),
  });
  entry('predictor hidden', p0.outputs, { codeExp: p1.inputExp });
  if (C > 0) {
    dense(p1, 'controls', {
      from: 0,
      count: C,
      src: 1,
      srcOffset: 0,
      dstOffset: N,
      relu: false,
      last: false,
      shift: requantShift(scale(p1) - q.controlExp, f.accBits, 'controls'),
    });
    entry('controls', C, { codeExp: q.controlExp });
  }
  dense(p1, 'logits', { from: C, count: 2, src: 1, srcOffset: 0, dstOffset: 0, relu: false, last: true, shift: 0 });
  entry('logits', 2, { accExp: scale(p1) });

  // Stryker disable next-line MethodExpression: controlOffset reads only the connected hidden layers' widths
  const hiddenWidths = q.approximator.slice(0, -1).map((l) => l.outputs);
  let firstConnected = true;
  q.approximator.forEach((l, k) => {
    const src = (k % 2) as 0 | 1;
    const srcOffset = src === 0 && k > 0 ? N + C : 0;
    const dstOffset = src === 1 ? N + C : 0;
    const what = k === q.approximator.length - 1 ? 'approximator output' : `approximator hidden ${k + 1}`;
    if (k === q.approximator.length - 1) {
      dense(l, what, { src, srcOffset, dstOffset: 0, relu: false, last: true, shift: 0 });
      entry(what, l.outputs, { accExp: scale(l) });
      return;
    }
    const next = q.approximator[k + 1]!.inputExp;
    const actExp = q.activationExps[k + 1];
    if (actExp === undefined) {
      dense(l, what, { src, srcOffset, dstOffset, relu: true, last: false, shift: requantShift(scale(l) - next, f.accBits, what) });
    } else {
      const delta = firstConnected
        ? { shift: faults.hadamardShiftDelta ?? 0, offset: faults.controlOffsetDelta ?? 0 }
        : { shift: 0, offset: 0 };
      firstConnected = false;
      const hadamard = {
        buf: 0 as const,
        offset: N + controlOffset(q.connect, hiddenWidths, k + 1) + delta.offset,
        shift: requantShift(actExp + q.controlExp - next + delta.shift, f.accBits, `${what}'s Hadamard step`),
      };
      dense(l, what, {
        src,
        srcOffset,
        dstOffset,
        relu: true,
        last: false,
        shift: requantShift(scale(l) - actExp, f.accBits, what),
        hadamard,
      });
    }
    entry(what, l.outputs, { codeExp: next });
  });
  return assemble({ inputSize: N, layers }, weights, biases, map, activationWords, q.approximator[0]!.inputExp, geo, name);
}
// Stryker restore StringLiteral
