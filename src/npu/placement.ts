import { AxhwError } from '../errors.js';
import type { LayerSpec } from '../ir/model-spec.js';
import { productTables, type QuantisedLayer, type QuantisedNetwork } from '../ir/quantised-network.js';
import { onSecond, type PeSplit } from '../models/npu-model.js';

/** The split of the PEs, a count standing for PEs 0 .. apes - 1. */
const splitOf = (s: number | PeSplit): PeSplit => (typeof s === 'number' ? { apes: s } : s);

/**
 * The slots of one layer: output s of the placed layer is neuron slots[s] of the model's (-1: a placeholder).
 * The NPU computes output s on PE s mod P, and the split's PEs (onSecond) carry the second multiplier, so each neuron
 * goes to a slot of its own multiplier: neurons of each kind in their order, the slots filled group by
 * group; a slot whose kind has no neuron left holds a placeholder; trailing placeholders are dropped.
 */
export function layerSlots(onApprox: Uint8Array | undefined, outputs: number, P: number, pes: number | PeSplit, what: string): Int32Array {
  const split = splitOf(pes);
  const { apes } = split;
  const approx: number[] = [];
  const exact: number[] = [];
  for (let j = 0; j < outputs; j++) (onApprox?.[j] ? approx : exact).push(j);
  if (approx.length && apes === 0)
    throw new AxhwError(
      `${what}: ${approx.length} neurons use the second multiplier, and the NPU has no PE with it (apes=0).`,
      'Generate the NPU with approx=<unit spec> and apes=<PEs on it>.',
    );
  if (exact.length && apes === P)
    throw new AxhwError(
      `${what}: ${exact.length} neurons use the first multiplier, and every PE of the NPU has the second (apes=${P}).`,
      `Leave PEs on the first multiplier (apes < ${P}).`,
    );
  const slots: number[] = [];
  let [a, e] = [0, 0];
  for (let s = 0; a < approx.length || e < exact.length; s++) {
    if (onSecond(split, s % P)) slots.push(a < approx.length ? approx[a++]! : -1);
    else slots.push(e < exact.length ? exact[e++]! : -1);
  }
  while (slots.at(-1) === -1) slots.pop();
  return Int32Array.from(slots);
}

/**
 * A network laid out for an NPU whose split's PEs (of P; a count: PEs 0 .. apes - 1) multiply on the network's second multiplier:
 * every weighted layer's outputs in slots (layerSlots), placeholders with zero weights and bias, and each
 * layer reading its input channels in the layout the layer before wrote them (its weight rows moved with
 * them, zero for placeholders). The placed network computes every neuron of the model with its own
 * multiplier, and the same values (placeholders stay 0 and add nothing, given P(a, 0) = 0 for both
 * multipliers, which is checked); its last layer's outputs are in slot order, `outputOf` says which is
 * which. A network without marked neurons on an NPU without such PEs is returned as it is.
 */
export function placeNeurons(q: QuantisedNetwork, P: number, pes: number | PeSplit): QuantisedNetwork {
  const split = splitOf(pes);
  if (split.apes === 0 && !q.layers.some((l) => l.onApprox)) return q;
  const specLayers: LayerSpec[] = [];
  const layers: QuantisedLayer[] = [];
  /** The layer before's slots and its model outputs (the channels of what this layer reads); absent: the network input. */
  let prev: { slots: Int32Array; outputs: number } | undefined;
  let placeholders = false;
  let k = 0;
  q.spec.layers.forEach((spec, i) => {
    if (spec.kind !== 'dense' && spec.kind !== 'conv2d') {
      specLayers.push(spec);
      return;
    }
    const l = q.layers[k++]!;
    const slots = layerSlots(l.onApprox, l.outputs, P, split, `${q.spec.name} layer ${i} (${l.kind})`);
    if (slots.includes(-1)) placeholders = true;
    // Rows are position-major, channel fastest (a convolution's kh, kw, c; a flattened H x W x C input's y, x,
    // c), so each position's block of channels moves with the layer before's slots. The input is as it is.
    const modelC = prev?.outputs ?? l.fanIn;
    const inMap = prev?.slots ?? Int32Array.from({ length: l.fanIn }, (_, c) => c);
    const positions = l.fanIn / modelC;
    const fanIn = positions * inMap.length;
    const S = slots.length;
    const w = new Float32Array(fanIn * S);
    for (let pos = 0; pos < positions; pos++)
      inMap.forEach((mc, pc) => {
        if (mc < 0) return;
        const from = (pos * modelC + mc) * l.outputs;
        const to = (pos * inMap.length + pc) * S;
        slots.forEach((j, s) => {
          if (j >= 0) w[to + s] = l.weightCodes[from + j]!;
        });
      });
    layers.push({
      ...l,
      inShape: !prev ? l.inShape : l.inShape.length === 1 ? [fanIn] : [...l.inShape.slice(0, -1), inMap.length],
      outShape: [...l.outShape.slice(0, -1), S],
      fanIn,
      outputs: S,
      weightCodes: w,
      bias: Float64Array.from(slots, (j) => (j >= 0 ? l.bias[j]! : 0)),
      onApprox: Uint8Array.from(slots, (_, s) => (onSecond(split, s % P) ? 1 : 0)),
    });
    specLayers.push(spec.kind === 'dense' ? { ...spec, units: S } : { ...spec, filters: S });
    prev = { slots, outputs: l.outputs };
  });
  if (placeholders) checkZeroWeight(q);
  const last = prev!.slots;
  const identity = last.length === prev!.outputs && last.every((j, s) => j === s);
  return {
    ...q,
    spec: { ...q.spec, layers: specLayers },
    layers,
    ...(identity ? {} : { outputOf: last }),
  };
}

/** Placeholders add nothing only if a zero weight gives a zero product on both multipliers. */
function checkZeroWeight(q: QuantisedNetwork): void {
  const { qmin, qmax } = q.mult;
  const range = qmax - qmin + 1;
  const tables = productTables(q);
  [q.mult, q.approx].forEach((m, i) => {
    const table = tables[i];
    if (!m || !table) return;
    for (let a = qmin; a <= qmax; a++) {
      const p = table[(a - qmin) * range - qmin]!;
      if (p !== 0)
        throw new AxhwError(
          `${m.label} gives P(${a}, 0) = ${p}; placing ${q.spec.name} on a heterogeneous NPU needs placeholder ` +
            'outputs whose zero weights add nothing.',
          'Use multipliers with P(a, 0) = 0 (DRUM and exact-mul have it), or masks that fill every group of PEs.',
        );
    }
  });
}

/**
 * The split of P PEs (1 .. P - 1 on the second multiplier) under which the placed network has the fewest MAC
 * cycles per inference (each layer: groups x positions x fan-in after placement): the PEs in proportion to the
 * neurons is not it when a layer's mix differs from the network's (a few first-multiplier neurons on two PEs
 * take many groups), and every placeholder costs cycles and stored words.
 */
export function bestSplit(q: QuantisedNetwork, P: number): { apes: number; macCycles: number } {
  let best = { apes: 1, macCycles: Infinity };
  for (let apes = 1; apes < P; apes++) {
    const placed = placeNeurons(q, P, apes);
    const macCycles = placed.layers.reduce(
      (s, l) => s + Math.ceil(l.outputs / P) * (l.outShape.slice(0, -1).reduce((a, b) => a * b, 1) || 1) * l.fanIn,
      0,
    );
    if (macCycles < best.macCycles) best = { apes, macCycles };
  }
  return best;
}
