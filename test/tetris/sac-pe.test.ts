import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { dataRoot } from '../../src/data/datasets.js';
import { quantisedModel, type QuantisedModel } from '../../src/target/from-model.js';
import { layerRows, type LayerRows } from '../../src/tetris/layer-rows.js';
import { kneadColumn, sacDot, weightColumn } from '../../src/tetris/knead.js';
import { runSacLayer, sacLayerImage, sacOutputCycles } from '../../src/tetris/sac-layer.js';
import { sacFormat } from '../../src/gen/units/sac-pe.js';
import { decodeKneaded } from '../../src/models/sac-pe-model.js';
import { generateModule } from '../../src/gen/generate-module.js';
import { resolveModule } from '../../src/gen/registry.js';
import { openModuleSessions } from '../../src/cosim/module-session.js';
import { requireTool } from '../helpers/tools.js';
import { initialisedLenetModel } from '../helpers/lenet-model.js';
import { trainForTest } from '../helpers/train.js';

const MULT = 'exact-mul:width=8,signed';

/** Kneading is exact on every weight group: SAC of each row's codes = the reference's accumulator (before bias and ReLU, which SAC does
 * not touch). */
function expectKneadingExact(m: QuantisedModel, all: LayerRows[], group: number) {
  let checked = 0;
  for (const r of all) {
    const l = m.q.layers[r.k]!;
    for (let j = 0; j < r.outputs; j++) {
      const groups = kneadColumn(weightColumn(l.weightCodes, r.fanIn, r.outputs, j), group, 8);
      for (let row = 0; row < r.nRows; row++) {
        const dot = sacDot(groups, r.rows.subarray(row * r.fanIn, (row + 1) * r.fanIn), group, 8);
        let a = dot + l.bias[j]!;
        if (r.relu && a < 0) a = 0;
        if (a !== r.acc[row * r.outputs + j])
          throw new Error(`layer ${r.k} output ${j} row ${row}: SAC ${a}, reference ${r.acc[row * r.outputs + j]}`);
        checked++;
      }
    }
  }
  return checked;
}

/** The SAC PE's RTL on every layer (rows limited per layer): outputs = the reference, cycles = the kneading's. */
async function expectSacRtl(m: QuantisedModel, all: LayerRows[], group: number, maxRows: number) {
  const images = all.map((r) =>
    sacLayerImage(sacFormat({ width: 8, signed: true, group, acc: 32, adepth: r.fanIn }), m.q.layers[r.k]!.weightCodes, r.fanIn, r.outputs),
  );
  const { params } = resolveModule('sac-pe', {
    width: 8,
    signed: true,
    group,
    acc: 32,
    kdepth: Math.max(...images.map((i) => i.words.length)),
    adepth: Math.max(...all.map((r) => r.fanIn)),
    bdepth: Math.max(...all.map((r) => r.outputs)),
  });
  const f = sacFormat(params);
  // Re-knead with the PE's own row count (the group-row field width depends on it).
  const d = generateModule(resolveModule('sac-pe', params).unit, params);
  const [s] = await openModuleSessions(d, 1);
  let compared = 0;
  try {
    for (const r of all) {
      const image = sacLayerImage(f, m.q.layers[r.k]!.weightCodes, r.fanIn, r.outputs);
      const nRows = Math.min(maxRows, r.nRows);
      const o = { image, bias: m.q.layers[r.k]!.bias, rows: r.rows, nRows, fanIn: r.fanIn, relu: r.relu, shift: r.shift };
      const rtl = await runSacLayer((c) => s!.run(c), f, o);
      const mdl = d.model();
      const model = await runSacLayer((c) => mdl.run(c), f, o);
      expect(Array.from(rtl.accOut)).toEqual(Array.from(r.acc.subarray(0, nRows * r.outputs)));
      expect(Array.from(rtl.codes)).toEqual(Array.from(r.codes.subarray(0, nRows * r.outputs)));
      // cycles from start to done: the kneaded words of each output, plus its start and finishing cycles
      expect(Array.from(rtl.cycles)).toEqual(
        Array.from({ length: nRows * r.outputs }, (_, i) => sacOutputCycles(image.counts[i % r.outputs]!)),
      );
      expect(Array.from(model.accOut)).toEqual(Array.from(rtl.accOut));
      compared += nRows * r.outputs;
    }
  } finally {
    await s!.close();
  }
  return compared;
}

beforeAll(async () => {
  await requireTool('verilator');
  if (!existsSync(join(dataRoot(), 'root'))) throw new Error('data sets not fetched: run bash scripts/fetch-data.sh');
});

describe('Tetris on trained networks: kneading exact, the SAC PE RTL = the integer reference layer by layer', () => {
  it('breast-cancer MLP: every weight group of every test sample; the RTL on 6 samples with groups of 4 and 16', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-tetris-bc-'));
    await trainForTest({ dataset: 'breast-cancer', epochs: 15, out: dir });
    const m = await quantisedModel({ modelDir: dir, mult: MULT });
    const t = m.data.test;
    const all = layerRows(m.q, t.x, t.n, 32);
    // negative weights are there (the sign path is exercised)
    expect(m.q.layers.every((l) => l.weightCodes.some((w) => w < 0))).toBe(true);
    for (const g of [4, 8, 16]) expect(expectKneadingExact(m, all, g)).toBe(t.n * (64 + 64 + 2));
    const six = layerRows(m.q, t.x, 6, 32);
    for (const g of [4, 16]) expect(await expectSacRtl(m, six, g, 6)).toBe(6 * (64 + 64 + 2));
    // Negative control: one sign bit flipped in one kneaded word of layer 1, output 5; the RTL differs from the reference there and only
    // there.
    const r = six[1]!;
    const { unit, params } = resolveModule('sac-pe', { width: 8, signed: true, group: 4, acc: 32, kdepth: 4096, adepth: 64, bdepth: 64 });
    const f = sacFormat(params);
    const image = sacLayerImage(f, m.q.layers[1]!.weightCodes, r.fanIn, r.outputs);
    // an entry of output 5 whose activation is not 0 (after ReLU many are)
    const spots = Array.from({ length: image.counts[5]! }, (_, t) => image.bases[5]! + t).flatMap((at) =>
      decodeKneaded(f, image.words[at]!).lanes.map((e, b) => ({ at, b, e, group: decodeKneaded(f, image.words[at]!).group })),
    );
    const spot = spots.find((x) => x.e.valid && r.rows[x.group * 4 + x.e.index] !== 0)!;
    image.words[spot.at] = image.words[spot.at]! ^ (1n << BigInt(spot.b * 4 + 2));
    const [s] = await openModuleSessions(generateModule(unit, params), 1);
    try {
      const bad = await runSacLayer((c) => s!.run(c), f, {
        image,
        bias: m.q.layers[1]!.bias,
        rows: r.rows,
        nRows: 1,
        fanIn: r.fanIn,
        relu: false,
        shift: r.shift,
      });
      const pre = m.q.layers[1]!;
      const dots = Array.from(
        { length: r.outputs },
        (_, j) =>
          sacDot(kneadColumn(weightColumn(pre.weightCodes, r.fanIn, r.outputs, j), 4, 8), r.rows.subarray(0, r.fanIn), 4, 8) + pre.bias[j]!,
      );
      expect(
        Array.from(bad.accOut)
          .map((v, j) => (v !== dots[j] ? j : -1))
          .filter((j) => j >= 0),
      ).toEqual([5]);
    } finally {
      await s!.close();
    }
    m.net.dispose();
  });

  it('Fashion-MNIST MLP (1 epoch on 5,000 images): kneading exact on 200 test images; the RTL on 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-tetris-fm-'));
    await trainForTest({ dataset: 'fashion-mnist', epochs: 1, batchSize: 64, limitTrain: 5000, limitTest: 200, out: dir });
    const m = await quantisedModel({ modelDir: dir, mult: MULT });
    const t = m.data.test;
    expect(expectKneadingExact(m, layerRows(m.q, t.x, t.n, 32), 8)).toBe(200 * (128 + 128 + 10));
    expect(await expectSacRtl(m, layerRows(m.q, t.x, 2, 32), 8, 2)).toBe(2 * (128 + 128 + 10));
    m.net.dispose();
  });

  it(
    'LeNet-5 (initialised, calibrated on 500 images): kneading exact on every patch of 10 images; ' + 'the RTL on 30 rows of each layer',
    async () => {
      const dir = initialisedLenetModel(10);
      const m = await quantisedModel({ modelDir: dir, mult: MULT });
      const t = m.data.test;
      const all = layerRows(m.q, t.x, t.n, 32);
      expect(all.map((r) => r.nRows)).toEqual([10 * 28 * 28, 10 * 10 * 10, 10, 10, 10]);
      expect(expectKneadingExact(m, all, 8)).toBe(10 * (28 * 28 * 6 + 10 * 10 * 16 + 120 + 84 + 10));
      expect(await expectSacRtl(m, all, 8, 30)).toBe(30 * (6 + 16) + 10 * (120 + 84 + 10));
      m.net.dispose();
    },
  );
});
