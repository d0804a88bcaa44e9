import { describe, expect, it } from 'vitest';
import { iterationWork, trainingEdp, type LevelCost } from '../../src/experiments/framnn/edp.js';
import { levelCost, type FpmulCosts } from '../../src/synth/fpmul-levels.js';
import { ProductTrace } from '../../src/multipliers/product-trace.js';
import { decodeNpy } from '../../src/lut/npy.js';

const costs: Record<number, LevelCost> = {
  4: { m: 4, energyPerOpPj: 30, cycleNs: 15 },
  8: { m: 8, energyPerOpPj: 50, cycleNs: 16 },
  24: { m: 24, energyPerOpPj: 180, cycleNs: 20 },
};
const cost = (m: number) => costs[m]!;

describe('training energy-delay product (FramNN)', () => {
  it('counts the multiplications of an iteration: forward, then dW everywhere and dX past the first layer', () => {
    // 784-512-512-10, batch 64
    const w = iterationWork(
      [
        { fanIn: 784, outputs: 512, positions: 1 },
        { fanIn: 512, outputs: 512, positions: 1 },
        { fanIn: 512, outputs: 10, positions: 1 },
      ],
      64,
    );
    const f = 64 * (784 * 512 + 512 * 512 + 512 * 10);
    expect(w.forward).toBe(f);
    expect(w.backward).toBe(64 * (784 * 512 + 2 * 512 * 512 + 2 * 512 * 10));
    // a convolution: fan-in x filters at every output position
    expect(iterationWork([{ fanIn: 25, outputs: 6, positions: 784 }], 2).forward).toBe(2 * 784 * 25 * 6);
  });

  it('energy and delay per step, by hand; exact training against itself is 1', () => {
    const work = { forward: 10, backward: 20 };
    const exact = trainingEdp([{ m: 24, iterations: 6 }], work, cost, () => 24);
    expect(exact.energyPj).toBe(6 * 30 * 180);
    expect(exact.delayNs).toBe(6 * 30 * 20);
    expect(exact.edp).toBe(exact.energyPj * exact.delayNs);
    // approximate training: both passes at the level
    const s = trainingEdp(
      [
        { m: 4, iterations: 4 },
        { m: 8, iterations: 2 },
      ],
      work,
      cost,
      (m) => m,
    );
    expect(s.energyPj).toBe(4 * 30 * 30 + 2 * 30 * 50);
    expect(s.delayNs).toBe(4 * 30 * 15 + 2 * 30 * 16);
    expect(exact.edp / s.edp).toBeCloseTo((6 * 30 * 180 * 6 * 30 * 20) / ((3600 + 3000) * (1800 + 960)), 12);
    // FramNN: the backward products stay at full precision
    const f = trainingEdp([{ m: 4, iterations: 6 }], work, cost, () => 24);
    expect(f.steps[0]).toEqual({
      m: 4,
      backwardM: 24,
      iterations: 6,
      energyPj: 6 * (10 * 30 + 20 * 180),
      delayNs: 6 * (10 * 15 + 20 * 20),
    });
  });

  it('a level costs its dynamic energy plus leakage over the cycle the clocking gives it', () => {
    const c: FpmulCosts = {
      top: 't',
      rtlHash: 'h',
      library: 'l',
      area: 1,
      netlistDelayNs: 20,
      levels: [{ m: 8, dynamicPj: 50, leakageW: 1e-6, delayNs: 16 }],
    };
    expect(levelCost(c, 8, 'fixed')).toEqual({ m: 8, cycleNs: 20, energyPerOpPj: 50 + 1e-6 * 20 * 1e3, powerW: (50 + 0.02) / 20e3 });
    expect(levelCost(c, 8, 'per-level').cycleNs).toBe(16);
    expect(() => levelCost(c, 12, 'fixed')).toThrow(/m = 12/);
  });
});

describe('operand traces of a matrix product', () => {
  it('records whole dot products in the order a PE sees them, seeded, up to the cap', () => {
    const x = Float32Array.from({ length: 3 * 4 }, (_, i) => i + 0.5); // 3 x 4
    const w = Float32Array.from({ length: 4 * 2 }, (_, i) => -(i + 0.25)); // 4 x 2
    const t = new ProductTrace({ seed: 5, dotsPerProduct: 2, maxPairs: 100 });
    t.record(x, 3, 4, w, 2);
    expect(t.pairs).toBe(8);
    const { a, b } = t.operands();
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const bits = (v: number) => ((f[0] = v), u[0]!);
    for (let d = 0; d < 2; d++) {
      // each run of 4 is row i of x against column j of W, k running
      const i = x.findIndex((v) => bits(v) === a[4 * d]) / 4;
      const j = [0, 1].find((c) => bits(w[c]!) === b[4 * d])!;
      expect(Number.isInteger(i)).toBe(true);
      for (let k = 0; k < 4; k++) expect([a[4 * d + k], b[4 * d + k]]).toEqual([bits(x[i * 4 + k]!), bits(w[k * 2 + j]!)]);
    }
    const again = new ProductTrace({ seed: 5, dotsPerProduct: 2, maxPairs: 100 });
    again.record(x, 3, 4, w, 2);
    expect(again.operands()).toEqual(t.operands());
    const capped = new ProductTrace({ seed: 5, dotsPerProduct: 10, maxPairs: 6 });
    capped.record(x, 3, 4, w, 2);
    expect(capped.pairs).toBe(6);
    const npy = decodeNpy(ProductTrace.toNpy([t, capped]), 't.npy');
    expect(npy.shape).toEqual([14, 2]);
    expect(npy.data.readUInt32LE(8)).toBe(a[1]);
  });
});
