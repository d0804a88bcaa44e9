import { storedWeightCodes } from '../arith/stored-weights.js';
import type { ImportedNetwork } from './import.js';

/**
 * QDQ weights against axhw's own quantisation. A QDQ file stores integer codes with a free (often
 * per-channel) scale; axhw stores codes at one power-of-two exponent per layer (what the NPU's shifters
 * compute with), at the QDQ codes' width and sign. Per weighted layer: how many codes differ (QDQ code
 * minus its zero point against axhw's code), and the float weights axhw's codes stand for, so the caller
 * can measure the accuracy of each.
 */
export interface QdqLayerComparison {
  layer: number;
  codes: number;
  differing: number;
  qdqScales: { min: number; max: number; perOutput: boolean };
  axhwExponent: number;
}

export function compareQdq(imported: ImportedNetwork, format: { qmin: number; qmax: number; width: number; signed: boolean }) {
  const layers: QdqLayerComparison[] = [];
  let k = 0;
  const axhwWeights = imported.weights.map((t) => {
    if (!t.name.startsWith('w')) return t;
    const q = imported.quantised[k++];
    if (!q) return t;
    const { codes, ew } = storedWeightCodes(t.data, format);
    const out = t.shape[1]!;
    let differing = 0;
    for (let i = 0; i < codes.length; i++) if (codes[i] !== q.codes[i]! - q.zeroPoint[i % out]!) differing++;
    layers.push({
      layer: Number(t.name.slice(1)),
      codes: codes.length,
      differing,
      qdqScales: { min: Math.min(...q.scale), max: Math.max(...q.scale), perOutput: new Set(q.scale).size > 1 },
      axhwExponent: ew,
    });
    return { ...t, data: Float32Array.from(codes, (c) => c * 2 ** ew) };
  });
  return { layers, axhwWeights };
}
