import type { QuantisedNetwork } from '../ir/quantised-network.js';
import { referenceInference } from '../infer/reference.js';
import { quantiseValue } from '../arith/fixed-point.js';
import { convLayerRows } from '../ir/im2col.js';
import { requantise } from '../models/pe-arith.js';

/** One weighted layer's work on some samples, as a PE sees it, with the integer reference's answers. */
export interface LayerRows {
  /** Index among the weighted layers. */
  k: number;
  /** Input codes, one row per output position (dense: per sample; convolution: per patch), fanIn each. */
  rows: Float32Array;
  nRows: number;
  fanIn: number;
  outputs: number;
  relu: boolean;
  /** Requantisation to the next weighted layer's input exponent (0 after the last). */
  shift: number;
  /** The reference's accumulators after bias and ReLU (rows x outputs), and their requantised codes. */
  acc: Float64Array;
  codes: Int32Array;
}

/**
 * Every weighted layer's input rows (codes) and expected outputs on n samples, from the integer reference's
 * layer-by-layer values: the hardware back ends (the SAC PE, its cost runs) are fed and checked with these.
 */
export function layerRows(q: QuantisedNetwork, x: Float32Array, n: number, accBits: number): LayerRows[] {
  const observed = new Map<number, Float64Array>();
  referenceInference(q, x, n, (i, v) => observed.set(i, v));
  const { qmin, qmax } = q.mult;
  return q.layers.map((l, k) => {
    const before = [...observed.keys()].filter((i) => i < l.index);
    const values = before.length ? observed.get(Math.max(...before))! : x;
    const codes = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) codes[i] = quantiseValue(values[i]!, l.inputExp, qmin, qmax);
    let rows: Float32Array = codes;
    let nRows = n;
    if (l.kind === 'conv2d') {
      ({ rows, count: nRows } = convLayerRows(codes, n, l));
    }
    const next = q.layers[k + 1];
    const shift = next ? Math.max(l.inputExp + l.weightExp - next.inputExp, -(accBits + 1)) : 0;
    const out = observed.get(l.index)!;
    const scale = 2 ** (l.inputExp + l.weightExp);
    const acc = Float64Array.from(out, (v) => v / scale);
    return {
      k,
      rows,
      nRows,
      fanIn: l.fanIn,
      outputs: l.outputs,
      relu: l.relu,
      shift,
      acc,
      codes: Int32Array.from(acc, (a) => requantise(a, shift, qmin, qmax)),
    };
  });
}
