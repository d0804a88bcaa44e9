import type { MantissaStep } from '../../train/mantissa-schedule.js';

/**
 * Energy-delay product of training on the fpmul, from per-level measurements. What is counted: the
 * multiplier only (the one part whose work changes with m; adders, memories and control are the same
 * at every level, so counting them would only dilute every ratio towards 1), one multiplication per
 * cycle. Per step at level m:
 *   energy = iterations x (forward ops x e(m) + backward ops x e(m_backward)),
 *   delay  = iterations x (forward ops x t(m) + backward ops x t(m_backward)),
 * e = energy per multiplication (dynamic, from toggles under the training operands, plus leakage over
 * the cycle), t = the cycle. EDP = (sum of energies) x (sum of delays); the ratio is exact training's
 * (every product at full precision for the same iterations) over the schedule's.
 */
export interface LevelCost {
  m: number;
  /** Energy per multiplication at this level, pJ (dynamic + leakage over one cycle). */
  energyPerOpPj: number;
  /** The cycle at this level, ns. */
  cycleNs: number;
}

export interface IterationWork {
  /** Multiplications of one iteration's forward pass (batch x sum over layers of fan-in x outputs). */
  forward: number;
  /** Of its backward pass (dW for every layer, dX for every layer but the first). */
  backward: number;
}

export interface TrainingEdp {
  energyPj: number;
  delayNs: number;
  edp: number;
  steps: { m: number; backwardM: number; iterations: number; energyPj: number; delayNs: number }[];
}

/** Multiplications per iteration of an MLP or CNN lowered to matrix products (fan-in, outputs, positions per sample). */
export function iterationWork(layers: readonly { fanIn: number; outputs: number; positions: number }[], batch: number): IterationWork {
  let forward = 0;
  let backward = 0;
  layers.forEach((l, i) => {
    const ops = batch * l.positions * l.fanIn * l.outputs;
    forward += ops;
    backward += i === 0 ? ops : 2 * ops;
  });
  return { forward, backward };
}

/** Energy, delay and EDP of `steps`, the backward products at `backwardM(m)` (m itself for approximate training, full precision for
 * FramNN). */
export function trainingEdp(
  steps: readonly MantissaStep[],
  work: IterationWork,
  cost: (m: number) => LevelCost,
  backwardM: (m: number) => number,
): TrainingEdp {
  const rows = steps.map((s) => {
    const f = cost(s.m);
    const bm = backwardM(s.m);
    const b = cost(bm);
    return {
      m: s.m,
      backwardM: bm,
      iterations: s.iterations,
      energyPj: s.iterations * (work.forward * f.energyPerOpPj + work.backward * b.energyPerOpPj),
      delayNs: s.iterations * (work.forward * f.cycleNs + work.backward * b.cycleNs),
    };
  });
  const energyPj = rows.reduce((a, r) => a + r.energyPj, 0);
  const delayNs = rows.reduce((a, r) => a + r.delayNs, 0);
  return { energyPj, delayNs, edp: energyPj * delayNs, steps: rows };
}
