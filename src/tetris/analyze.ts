import type { QuantisedNetwork } from '../ir/quantised-network.js';
import { weightBits, type PeFormat } from '../models/pe-arith.js';
import { addZeroBits, popcount, WEIGHT_FORMS, zeroBits, type WeightForm, type ZeroBits } from './bits.js';
import { kneadedWordsOfMatrix } from './knead.js';

export interface KneadingFigures {
  group: number;
  /** Kneaded words of the weights (a SAC PE spends one cycle on each). */
  words: number;
  /** Work cycles per inference on one PE: MAC one per weight and input row, SAC one per kneaded word and row. */
  sacCycles: number;
  /** MAC cycles / SAC cycles. */
  speedup: number;
}

export interface TetrisLayerAnalysis {
  /** Index in the model spec. */
  layer: number;
  kind: 'dense' | 'conv2d';
  fanIn: number;
  outputs: number;
  /** Times the weights are used per inference (1 for dense; output pixels for a convolution). */
  rowsPerInference: number;
  zeroBits: Record<WeightForm, ZeroBits>;
  /** Ones in the weights' magnitudes: the bits a SAC unit adds. */
  essentialBits: number;
  macCycles: number;
  kneading: KneadingFigures[];
}

export interface TetrisAnalysis {
  /** Stored weight word, bits; lanes = magnitude bits a SAC PE has. */
  wordBits: number;
  lanes: number;
  groups: number[];
  layers: TetrisLayerAnalysis[];
  total: {
    zeroBits: Record<WeightForm, ZeroBits>;
    essentialBits: number;
    weights: number;
    macCycles: number;
    /** Speed-up if only zero weights were skipped (one cycle per non-zero weight and row). */
    zeroValueSpeedup: number;
    /** Speed-up if every lane of every kneaded word were filled: MAC cycles / (essential bits / lanes), per row. */
    idealSpeedup: number;
    kneading: KneadingFigures[];
  };
}

/** A weight matrix to analyse: (fanIn x outputs) row-major codes, used `rowsPerInference` times per inference. */
export interface WeightLayer {
  layer: number;
  kind: 'dense' | 'conv2d';
  fanIn: number;
  outputs: number;
  rowsPerInference: number;
  weightCodes: ArrayLike<number>;
}

/** The weighted layers of a quantised network (a convolution's weights are used once per output pixel). */
export function weightLayers(q: QuantisedNetwork): WeightLayer[] {
  return q.layers.map((l) => ({
    layer: l.index,
    kind: l.kind,
    fanIn: l.fanIn,
    outputs: l.outputs,
    rowsPerInference: l.kind === 'conv2d' ? l.outShape[0]! * l.outShape[1]! : 1,
    weightCodes: l.weightCodes,
  }));
}

/** Tetris's analysis of a quantised network (see analyzeLayers). */
export function analyzeNetwork(q: QuantisedNetwork, f: PeFormat, groups: readonly number[]): TetrisAnalysis {
  return analyzeLayers(weightLayers(q), f, groups);
}

/**
 * Tetris's analysis of weight matrices: zero bits of the stored weights (both forms), the essential bits,
 * and the work cycles of a MAC PE against a SAC PE fed with kneaded weights, per kneading group size.
 * Work cycles count one per weight (MAC) or per kneaded word (SAC) for each input row; the per-output
 * start and finishing cycles of the PEs are left out here (sac-layer.ts and the experiment count them).
 */
export function analyzeLayers(weights: readonly WeightLayer[], f: PeFormat, groups: readonly number[]): TetrisAnalysis {
  const lanes = f.n;
  const wb = weightBits(f);
  const layers = weights.map((l): TetrisLayerAnalysis => {
    const rows = l.rowsPerInference;
    let essential = 0;
    for (let i = 0; i < l.weightCodes.length; i++) essential += popcount(Math.abs(l.weightCodes[i]!));
    const macCycles = rows * l.fanIn * l.outputs;
    return {
      layer: l.layer,
      kind: l.kind,
      fanIn: l.fanIn,
      outputs: l.outputs,
      rowsPerInference: rows,
      zeroBits: Object.fromEntries(WEIGHT_FORMS.map((form) => [form, zeroBits(l.weightCodes, wb, form)])) as Record<WeightForm, ZeroBits>,
      essentialBits: essential,
      macCycles,
      kneading: groups.map((g) => {
        const words = kneadedWordsOfMatrix(l.weightCodes, l.fanIn, l.outputs, g, lanes);
        return { group: g, words, sacCycles: rows * words, speedup: macCycles / (rows * words) };
      }),
    };
  });
  const macCycles = layers.reduce((s, l) => s + l.macCycles, 0);
  const nonZeroCycles = layers.reduce((s, l) => s + l.rowsPerInference * l.zeroBits['twos-complement'].nonZeroWeights, 0);
  const essentialRows = layers.reduce((s, l) => s + l.rowsPerInference * l.essentialBits, 0);
  return {
    wordBits: wb,
    lanes,
    groups: [...groups],
    layers,
    total: {
      zeroBits: Object.fromEntries(WEIGHT_FORMS.map((form) => [form, addZeroBits(layers.map((l) => l.zeroBits[form]))])) as Record<
        WeightForm,
        ZeroBits
      >,
      essentialBits: layers.reduce((s, l) => s + l.essentialBits, 0),
      weights: layers.reduce((s, l) => s + l.fanIn * l.outputs, 0),
      macCycles,
      zeroValueSpeedup: macCycles / nonZeroCycles,
      idealSpeedup: macCycles / (essentialRows / lanes),
      kneading: groups.map((g, i) => {
        const sacCycles = layers.reduce((s, l) => s + l.kneading[i]!.sacCycles, 0);
        return { group: g, words: layers.reduce((s, l) => s + l.kneading[i]!.words, 0), sacCycles, speedup: macCycles / sacCycles };
      }),
    },
  };
}
