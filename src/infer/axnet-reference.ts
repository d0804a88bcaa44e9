import { quantiseValue, scaleExponent } from '../arith/fixed-point.js';
import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import { tableMatMul } from '../arith/table-matmul.js';
import type { QuantisedLayer } from '../ir/quantised-network.js';
import { controlOffset, quantiseDense, type AxnetWeights, type QuantisedAxnet } from '../ir/quantised-axnet.js';

/** One step of the AXNet walk, in the order the NPU runs them: its outputs per sample as the hardware writes them. */
export interface AxnetStage {
  name: string;
  /** Codes written to an activation buffer (at 2^exp), or accumulators streamed out (value = acc * 2^exp). */
  kind: 'codes' | 'accumulators';
  exp: number;
  outputs: number;
  /** n x outputs, integers. */
  data: Float64Array;
}

export interface AxnetReferenceResult {
  stages: AxnetStage[];
  /** H(x): n x outputs, scaled. */
  h: Float64Array;
  /** The predictor's decision per sample: logit 1 (safe) > logit 0. */
  predictedSafe: Uint8Array;
}

/** What the walk asks for: a layer at its input exponent, and the exponent values are quantised at. */
interface Exponents {
  layer(part: 'predictor' | 'approximator', k: number, inputExp: number, relu: boolean): QuantisedLayer;
  exp(key: string, values: ArrayLike<number>): number;
}

/**
 * The AXNet framework as the hardware computes it, on integers: input codes; the predictor's hidden layer
 * (ReLU, requantised); its output layer, the control columns requantised to control codes and the 2 logits
 * as accumulators; then the approximator, each connected hidden layer's ReLU codes multiplied element-wise
 * by their control codes on the multiplier's table and requantised; the last layer's accumulators are H(x).
 * Every product is looked up in the RTL table, sums are exact integers, requantisation rounds half to even
 * and saturates (quantiseValue on the scaled value, the rule the PE states on integers).
 */
function walk(
  mult: ApproxMultiplier,
  connect: number[],
  hiddenWidths: number[],
  x: Float32Array,
  n: number,
  e: Exponents,
): AxnetReferenceResult & { controls: number } {
  const products = mult.products;
  if (!products) throw new Error(`${mult.label}: the product table is too large for reference inference`);
  const { qmin, qmax } = mult;
  const range = qmax - qmin + 1;
  const quantise = (v: ArrayLike<number>, exp: number) =>
    Float32Array.from(v as ArrayLike<number>, (z) => quantiseValue(z, exp, qmin, qmax));
  const stages: AxnetStage[] = [];
  /** Accumulators of a layer on codes (n x fanIn), bias added, ReLU applied. */
  const accumulate = (codes: Float32Array, l: QuantisedLayer) => {
    const acc = tableMatMul(codes, l.weightCodes, n, l.fanIn, l.outputs, products, qmin, range);
    // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed arrays)
    for (let r = 0; r < n; r++)
      for (let j = 0; j < l.outputs; j++) {
        let a = acc[r * l.outputs + j]! + l.bias[j]!;
        // Stryker disable next-line EqualityOperator: ReLU of 0 is 0 either way
        if (l.relu && a < 0) a = 0;
        acc[r * l.outputs + j] = a;
      }
    return acc;
  };
  const scaled = (acc: Float64Array, l: QuantisedLayer) => acc.map((a) => a * 2 ** (l.inputExp + l.weightExp));
  const columns = (m: Float64Array, width: number, from: number, count: number) => {
    const out = new Float64Array(n * count);
    // Mutants left alive below (EqualityOperator): one step past a row reads the next row's first entry into a place then overwritten, or
    // writes nowhere
    // Stryker disable next-line EqualityOperator: equivalent, see above
    for (let r = 0; r < n; r++) for (let j = 0; j < count; j++) out[r * count + j] = m[r * width + from + j]!;
    return out;
  };

  const inExp = e.exp('input', x);
  const xq = quantise(x, inExp);
  // predictor
  const p0 = e.layer('predictor', 0, inExp, true);
  const hv = scaled(accumulate(xq, p0), p0);
  const p1Exp = e.exp('p1', hv);
  const hq = quantise(hv, p1Exp);
  stages.push({ name: 'predictor hidden', kind: 'codes', exp: p1Exp, outputs: p0.outputs, data: Float64Array.from(hq) });
  const p1 = e.layer('predictor', 1, p1Exp, false);
  const pacc = accumulate(hq, p1);
  const controls = p1.outputs - 2;
  let cq = new Float32Array(0);
  if (controls > 0) {
    const cv = scaled(columns(pacc, p1.outputs, 0, controls), p1);
    const cExp = e.exp('control', cv);
    cq = quantise(cv, cExp);
    stages.push({ name: 'controls', kind: 'codes', exp: cExp, outputs: controls, data: Float64Array.from(cq) });
  }
  const logits = columns(pacc, p1.outputs, controls, 2);
  stages.push({ name: 'logits', kind: 'accumulators', exp: p1.inputExp + p1.weightExp, outputs: 2, data: logits });
  // approximator
  let a = xq;
  let aExp = inExp;
  const L = hiddenWidths.length + 1;
  // Stryker disable next-line EqualityOperator: the last layer breaks out of the loop
  for (let k = 0; k < L; k++) {
    const last = k === L - 1;
    const l = e.layer('approximator', k, aExp, !last);
    const acc = accumulate(a, l);
    if (last) {
      stages.push({ name: 'approximator output', kind: 'accumulators', exp: l.inputExp + l.weightExp, outputs: l.outputs, data: acc });
      break;
    }
    const v = scaled(acc, l);
    const hidden = k + 1;
    if (connect.includes(hidden)) {
      const actExp = e.exp(`act${hidden}`, v);
      const codes = quantise(v, actExp);
      const off = controlOffset(connect, hiddenWidths, hidden);
      const cExp = e.exp('control', []);
      const prod = new Float64Array(n * l.outputs);
      // Stryker disable next-line EqualityOperator: one step past a row is overwritten by the next row; past the end writes nowhere
      for (let r = 0; r < n; r++)
        // Stryker disable next-line EqualityOperator: as above
        for (let j = 0; j < l.outputs; j++) {
          const c = cq[r * controls + off + j]!;
          prod[r * l.outputs + j] = products[(codes[r * l.outputs + j]! - qmin) * range + (c - qmin)]! * 2 ** (actExp + cExp);
        }
      aExp = e.exp(`a${hidden}`, prod);
      a = quantise(prod, aExp);
    } else {
      aExp = e.exp(`a${hidden}`, v);
      a = quantise(v, aExp);
    }
    stages.push({ name: `approximator hidden ${hidden}`, kind: 'codes', exp: aExp, outputs: l.outputs, data: Float64Array.from(a) });
  }
  const out = stages.at(-1)!;
  const h = out.data.map((v) => v * 2 ** out.exp);
  const predictedSafe = Uint8Array.from({ length: n }, (_, r) => +(logits[2 * r + 1]! > logits[2 * r]!));
  return { stages, h, predictedSafe, controls };
}

/** Integer reference inference of a quantised AXNet framework: every stage's outputs, H(x) and the predictor's decisions. */
export function axnetReference(q: QuantisedAxnet, x: Float32Array, n: number): AxnetReferenceResult {
  const fixed: Record<string, number | undefined> = {
    input: q.approximator[0]!.inputExp,
    p1: q.predictor[1]!.inputExp,
    control: q.controlExp,
  };
  q.approximator.forEach((l, k) => (fixed[`a${k}`] = l.inputExp));
  q.activationExps.forEach((v, i) => (fixed[`act${i}`] = v));
  const { stages, h, predictedSafe } = walk(
    q.mult,
    q.connect,
    q.approximator.slice(0, -1).map((l) => l.outputs),
    x,
    n,
    {
      layer: (part, k) => (part === 'predictor' ? q.predictor : q.approximator)[k]!,
      exp: (key) => fixed[key]!,
    },
  );
  return { stages, h, predictedSafe };
}

/**
 * Quantise an AXNet framework for a multiplier, its exponents calibrated on the integer path itself: each
 * exponent is the smallest that holds the largest |value| quantised there over the calibration samples,
 * with every earlier stage already on the multiplier (approximate products included), as `calibrate`
 * does for plain networks.
 */
export function quantiseAxnet(w: AxnetWeights, mult: ApproxMultiplier, x: Float32Array, n: number): QuantisedAxnet {
  const exps = new Map<string, number>();
  const layers = { predictor: [] as QuantisedLayer[], approximator: [] as QuantisedLayer[] };
  const hiddenWidths = w.approximator.slice(0, -1).map((l) => l.b.length);
  const { controls } = walk(mult, w.connect, hiddenWidths, x, n, {
    layer(part, k, inputExp, relu) {
      const l = quantiseDense(w[part][k]!, mult, inputExp, relu);
      layers[part][k] = l;
      return l;
    },
    exp(key, values) {
      let e = exps.get(key);
      if (e === undefined) {
        let max = 0;
        for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
        e = scaleExponent(max, mult.qmax);
        exps.set(key, e);
      }
      return e;
    },
  });
  return {
    mult,
    inputs: w.approximator[0]!.w.length / w.approximator[0]!.b.length,
    outputs: w.approximator.at(-1)!.b.length,
    predictor: layers.predictor,
    approximator: layers.approximator,
    connect: [...w.connect],
    controls,
    controlExp: exps.get('control') ?? 0,
    activationExps: Array.from({ length: hiddenWidths.length + 1 }, (_, i) => exps.get(`act${i}`)),
  };
}
