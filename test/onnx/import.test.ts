import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { onBackend } from '../helpers/backend.js';
import { AxhwError } from '../../src/errors.js';
import { importOnnx } from '../../src/onnx/import.js';
import { evaluateImported } from '../../src/onnx/evaluate.js';
import { exportOnnx } from '../../src/onnx/export.js';
import { runOnnx } from '../../src/onnx/interpreter.js';
import { ONNX_PROTO, readModelProto, type ModelProto } from '../../src/onnx/proto.js';
import { bindToData } from '../../src/onnx/bind.js';
import { Network } from '../../src/nn/network.js';
import { lenet5, mlp, type ModelSpec } from '../../src/ir/model-spec.js';
import {
  bytesOf,
  convNchw,
  f,
  floats,
  gemm,
  i,
  ints8,
  is,
  maxPoolNchw,
  model,
  node,
  relu,
  s,
  seeded,
  worst,
} from '../helpers/onnx-graphs.js';

/** Through the real bytes: encoded, written, read back as a user's file is. */
function roundTrip(m: ModelProto): ModelProto {
  const file = join(mkdtempSync(join(tmpdir(), 'axhw-onnx-')), 'm.onnx');
  writeFileSync(file, bytesOf(m));
  return readModelProto(file);
}
const imp = (m: ModelProto) => importOnnx(roundTrip(m), 'm.onnx', 'm');

onBackend('cpu');

describe('ONNX import: each operator against its ONNX semantics (a direct statement in test/helpers/onnx-graphs.ts)', () => {
  it("conv / pool / flatten / Gemm / MatMul + Add equal ONNX's computation, 'same' padding of odd and even kernels too", () => {
    const [n, c, h, w] = [2, 3, 9, 9];
    const w1 = seeded(4 * 3 * 3 * 3, 1, 0.5);
    const b1 = seeded(4, 2, 0.1);
    const w2 = seeded(5 * 4 * 2 * 2, 3, 0.5);
    const w3 = seeded(7 * 80, 4, 0.2);
    const c3 = seeded(7, 5, 0.1);
    const w4 = seeded(7 * 3, 6, 0.3);
    const b4 = seeded(3, 7, 0.1);
    const m = model(
      [n, c, h, w],
      [
        node('Conv', ['x', 'w1', 'b1'], ['c1'], [is('kernel_shape', [3, 3]), is('pads', [1, 1, 1, 1])], 'conv1'),
        node('Relu', ['c1'], ['r1']),
        node('MaxPool', ['r1'], ['p1'], [is('kernel_shape', [2, 2]), is('strides', [2, 2])]),
        node('Conv', ['p1', 'w2'], ['c2'], [is('pads', [0, 0, 1, 1])]),
        node('Relu', ['c2'], ['r2']),
        node('Flatten', ['r2'], ['f'], [i('axis', 1)]),
        node('Gemm', ['f', 'w3', 'c3'], ['g'], [i('transB', 1), f('alpha', 0.5), f('beta', 2)]),
        node('Relu', ['g'], ['r3']),
        node('MatMul', ['r3', 'w4'], ['mm']),
        node('Add', ['mm', 'b4'], ['logits']),
        node('Softmax', ['logits'], ['probs']),
      ],
      [
        floats('w1', [4, 3, 3, 3], w1),
        floats('b1', [4], b1),
        floats('w2', [5, 4, 2, 2], w2),
        floats('w3', [7, 80], w3),
        floats('c3', [7], c3),
        floats('w4', [7, 3], w4),
        floats('b4', [3], b4),
      ],
    );
    const net = imp(m);
    expect(net.spec.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool', 'conv2d', 'flatten', 'dense', 'dense']);
    expect(net.notes.join('\n')).toMatch(/Softmax.*dropped/);
    const x = seeded(n * c * h * w, 8);
    const a = convNchw(x, [n, c, h, w], w1, [4, 3, 3, 3], b1, [1, 1, 1, 1]);
    const p = maxPoolNchw(relu(a.y), a.dims, 2);
    const b = convNchw(Float32Array.from(p.y), p.dims, w2, [5, 4, 2, 2], undefined, [0, 0, 1, 1]);
    const g = relu(gemm(relu(b.y), n, w3, 80, 7, true, c3, 0.5, 2));
    const want = gemm(g, n, w4, 7, 3, false, b4);
    expect(worst(evaluateImported(net, x, n), want), 'largest error').toBeLessThan(1e-5);
  });

  it('strided and asymmetrically padded convolutions (pads, auto_pad SAME_UPPER / SAME_LOWER at stride 2) equal ONNX', () => {
    const [n, c, h, w] = [2, 2, 9, 8];
    const wt = seeded(3 * 2 * 3 * 3, 31, 0.5);
    const b = seeded(3, 32, 0.1);
    const x = seeded(n * c * h * w, 33);
    for (const [attrs, pads] of [
      [
        [is('strides', [2, 2]), is('pads', [0, 1, 1, 0])],
        [0, 1, 1, 0],
      ],
      [
        [is('strides', [2, 2]), s('auto_pad', 'SAME_UPPER')],
        [1, 0, 1, 1],
      ],
      [
        [is('strides', [2, 2]), s('auto_pad', 'SAME_LOWER')],
        [1, 1, 1, 0],
      ],
      [[is('pads', [2, 0, 0, 1])], [2, 0, 0, 1]],
    ] as [ReturnType<typeof i>[], number[]][]) {
      const stride = attrs.some((a) => a.name === 'strides') ? 2 : 1;
      const m = model(
        [n, c, h, w],
        [node('Conv', ['x', 'w', 'b'], ['y'], [is('kernel_shape', [3, 3]), ...attrs])],
        [floats('w', [3, 2, 3, 3], wt), floats('b', [3], b)],
      );
      const net = imp(m);
      expect(net.spec.layers[0]).toMatchObject({ kind: 'conv2d', stride, pads });
      const want = convNchw(x, [n, c, h, w], wt, [3, 2, 3, 3], b, pads, stride).y;
      expect(worst(evaluateImported(net, x, n), want), JSON.stringify(pads)).toBeLessThan(1e-5);
    }
  });

  it('BatchNormalization is folded into the layer before it; Dropout and Identity are removed; Reshape to (N, -1) is a flatten', () => {
    const [n, k] = [3, 6];
    const [w1, w2] = [seeded(6 * 5, 11), seeded(5 * 2, 12)];
    const [gamma, beta, mean, vr] = [
      seeded(5, 13, 2),
      seeded(5, 14),
      seeded(5, 15),
      Float32Array.from(seeded(5, 16), (v) => 0.5 + Math.abs(v)),
    ];
    const m = model(
      [n, k],
      [
        node('Reshape', ['x', 'shape'], ['x2']),
        node('MatMul', ['x2', 'w1'], ['h']),
        node('BatchNormalization', ['h', 'gamma', 'beta', 'mean', 'var'], ['bn'], [f('epsilon', 1e-3)]),
        node('Dropout', ['bn'], ['d']),
        node('Relu', ['d'], ['r']),
        node('Identity', ['r'], ['r2']),
        node('Gemm', ['r2', 'w2'], ['y']),
      ],
      [
        { name: 'shape', dims: [2], dataType: 7, int64Data: [0, -1] },
        floats('w1', [6, 5], w1),
        floats('gamma', [5], gamma),
        floats('beta', [5], beta),
        floats('mean', [5], mean),
        floats('var', [5], vr),
        floats('w2', [5, 2], w2),
      ],
    );
    const net = imp(m);
    expect(net.spec.layers.map((l) => l.kind)).toEqual(['dense', 'dense']);
    const x = seeded(n * k, 17);
    const h = gemm(x, n, w1, 6, 5, false, undefined);
    const bn = h.map((v, q) => ((v - mean[q % 5]!) / Math.sqrt(vr[q % 5]! + 1e-3)) * gamma[q % 5]! + beta[q % 5]!);
    expect(worst(evaluateImported(net, x, n), gemm(relu(bn), n, w2, 5, 2, false, undefined))).toBeLessThan(1e-5);
  });

  it('an N x H x W x C input transposed to N x C x H x W is the engine layout; a ReLU after pooling moves onto the convolution', () => {
    const wt = seeded(2 * 2 * 3 * 3, 21);
    const m = model(
      [1, 6, 6, 2],
      [
        node('Transpose', ['x'], ['t'], [is('perm', [0, 3, 1, 2])]),
        node('Conv', ['t', 'w'], ['c'], [is('kernel_shape', [3, 3]), s('auto_pad', 'VALID')]),
        node('MaxPool', ['c'], ['p'], [is('kernel_shape', [2, 2]), is('strides', [2, 2])]),
        node('Relu', ['p'], ['y']),
      ],
      [floats('w', [2, 2, 3, 3], wt)],
    );
    const net = imp(m);
    expect(net.spec.input).toEqual([6, 6, 2]);
    expect(net.spec.layers[0]).toMatchObject({ kind: 'conv2d', relu: true, pad: 'valid' });
    const xNhwc = seeded(72, 22);
    const nchw = new Float32Array(72);
    for (let ch = 0; ch < 2; ch++) for (let p = 0; p < 36; p++) nchw[ch * 36 + p] = xNhwc[p * 2 + ch]!;
    const a = convNchw(nchw, [1, 2, 6, 6], wt, [2, 2, 3, 3], undefined, [0, 0, 0, 0]);
    const want = relu(maxPoolNchw(a.y, a.dims, 2).y);
    // evaluateImported takes ONNX's layout after the transpose (N x C x H x W) and gives it back.
    expect(worst(evaluateImported(net, nchw, 1), want)).toBeLessThan(1e-5);
  });

  it('QDQ: weights through DequantizeLinear are dequantised and keep their codes; an activation QDQ pair is dropped with a note', () => {
    const codes = Int8Array.from({ length: 4 * 3 }, (_, k) => ((k * 37) % 255) - 127);
    const scale = [0.01, 0.02, 0.04];
    const m = model(
      [2, 4],
      [
        node('QuantizeLinear', ['x', 'sa', 'za'], ['xq']),
        node('DequantizeLinear', ['xq', 'sa', 'za'], ['xd']),
        node('DequantizeLinear', ['wq', 'sw', 'zw'], ['w'], [i('axis', 1)]),
        node('MatMul', ['xd', 'w'], ['y']),
      ],
      [
        floats('sa', [], [0.05]),
        { name: 'za', dims: [], dataType: 3, int32Data: [0] },
        ints8('wq', [4, 3], codes),
        floats('sw', [3], scale),
        { name: 'zw', dims: [3], dataType: 3, int32Data: [0, 1, -2] },
      ],
    );
    const net = imp(m);
    expect(net.notes.join('\n')).toMatch(/activation dropped/);
    const zw = [0, 1, -2];
    const want = Array.from(codes, (q, k) => Math.fround(Math.fround(q - zw[k % 3]!) * Math.fround(scale[k % 3]!)));
    expect(Array.from(net.weights[0]!.data)).toEqual(want);
    expect(Array.from(net.quantised[0]!.codes)).toEqual(Array.from(codes));
  });
});

describe("QONNX's Quant (FINN, Brevitas)", () => {
  it('on weights: dequantised by its definition (bit range, per-output scale, rounding modes), codes kept; on activations: dropped', () => {
    const w = seeded(3 * 5, 41, 0.8); // Gemm transB: 3 outputs x 5 inputs
    const scale = [0.05, 0.11, 0.2];
    for (const [signed, narrow, mode, bits] of [
      [1, 1, 'ROUND', 4],
      [1, 0, 'FLOOR', 3],
      [0, 0, 'ROUND_TO_ZERO', 5],
    ] as const) {
      const m = model(
        [2, 5],
        [
          { ...node('Quant', ['x', 'as', 'z', 'ab'], ['xq'], [i('signed', 1)]), domain: 'qonnx.custom_op.general' },
          {
            ...node('Quant', ['w', 's', 'z', 'b'], ['wq'], [i('signed', signed), i('narrow', narrow), s('rounding_mode', mode)]),
            domain: 'qonnx.custom_op.general',
          },
          node('Gemm', ['xq', 'wq'], ['y'], [i('transB', 1)]),
        ],
        [
          floats('w', [3, 5], w),
          floats('s', [3, 1], scale),
          floats('z', [], [0]),
          floats('b', [], [bits]),
          floats('as', [], [0.1]),
          floats('ab', [], [8]),
        ],
      );
      const net = imp(m);
      expect(net.notes.join('\n')).toMatch(/Quant\) on an activation dropped/);
      const [lo, hi] = signed ? [-(2 ** (bits - 1)) + narrow, 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1 - narrow];
      const round = {
        ROUND: (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v)),
        FLOOR: Math.floor,
        ROUND_TO_ZERO: Math.trunc,
      }[mode];
      // Engine layout: row r (input), column o (output) = ONNX W[o][r].
      const codes = Array.from({ length: 15 }, (_, k) => {
        const [r, o] = [Math.floor(k / 3), k % 3];
        return Math.min(hi, Math.max(lo, round(Math.fround(w[o * 5 + r]! / Math.fround(scale[o]!))))) + 0; // no -0
      });
      expect(Array.from(net.weights[0]!.data), `${mode}`).toEqual(codes.map((q, k) => Math.fround(q * Math.fround(scale[k % 3]!))));
      expect(Array.from(net.quantised[0]!.codes)).toEqual(codes);
    }
  });
});

describe('ONNX import refuses what the engine and the NPU cannot run, naming the node and the fix', () => {
  const conv = (attrs: ReturnType<typeof i>[], wdims = [2, 1, 3, 3]) =>
    model(
      [1, 1, 8, 8],
      [node('Conv', ['x', 'w'], ['y'], attrs, 'the_conv')],
      [
        floats(
          'w',
          wdims,
          seeded(
            wdims.reduce((a, b) => a * b),
            1,
          ),
        ),
      ],
    );
  const cases: [string, ModelProto, RegExp][] = [
    [
      'grouped',
      model([1, 2, 8, 8], [node('Conv', ['x', 'w'], ['y'], [i('group', 2)])], [floats('w', [2, 1, 3, 3], seeded(18, 1))]),
      /group 2/,
    ],
    ['non-square kernel', conv([], [2, 1, 3, 2]), /3 x 2 kernel is not square/],
    ['dilated', conv([is('dilations', [2, 2])]), /dilations/],
    ['strides that differ per axis', conv([is('strides', [2, 1])]), /'the_conv' \(Conv\): strides \[2, 1\] differ per axis/],
    [
      'average pooling',
      model([1, 1, 4, 4], [node('AveragePool', ['x'], ['y'], [is('kernel_shape', [2, 2])])], []),
      /NPU pools by maximum only/,
    ],
    [
      'overlapping max pooling',
      model([1, 1, 4, 4], [node('MaxPool', ['x'], ['y'], [is('kernel_shape', [3, 3]), is('strides', [1, 1])])], []),
      /stride k/,
    ],
    [
      'an unknown operator',
      model([1, 4], [node('Sigmoid', ['x'], ['y'])], []),
      /operator Sigmoid is not supported[\s\S]*Supported operators: Gemm/,
    ],
    [
      'a branch',
      model(
        [1, 4],
        [node('MatMul', ['x', 'w'], ['a']), node('MatMul', ['x', 'w'], ['b']), node('Add', ['a', 'b'], ['y'])],
        [floats('w', [4, 4], seeded(16, 1))],
        'y',
      ),
      /read by 2 consumers/,
    ],
    [
      'softmax in the middle',
      model([1, 4], [node('Softmax', ['x'], ['s']), node('MatMul', ['s', 'w'], ['y'])], [floats('w', [4, 2], seeded(8, 1))]),
      /only read as the last node/,
    ],
    ['a 1-D convolution input', model([1, 2, 8], [node('Relu', ['x'], ['y'])], []), /3 dimensions/],
    ['weights as a second input', { ...model([1, 4], [node('MatMul', ['x', 'w'], ['y'])], []) }, /not a constant/],
    ['transA', model([4, 3], [node('Gemm', ['x', 'w'], ['y'], [i('transA', 1)])], [floats('w', [4, 2], seeded(8, 1))]), /transA = 1/],
    ['a Relu on the input', model([1, 4], [node('Relu', ['x'], ['y'])], []), /Relu is read only after a Gemm/],
    [
      'training-mode batch norm',
      model(
        [1, 2],
        [node('MatMul', ['x', 'w'], ['h']), node('BatchNormalization', ['h', 'g', 'b', 'm', 'v'], ['y'], [i('training_mode', 1)])],
        ['w', 'g', 'b', 'm', 'v'].map((n) => floats(n, n === 'w' ? [2, 2] : [2], [1, 1, 1, 1].slice(0, n === 'w' ? 4 : 2))),
      ),
      /training mode/,
    ],
    [
      'a custom domain',
      model([1, 4], [{ ...node('BipolarQuant', ['x', 's'], ['y']), domain: 'qonnx.custom_op.general' }], [floats('s', [], [1])]),
      /operator domain 'qonnx\.custom_op\.general'; the importer reads standard ONNX operators and QONNX's Quant/,
    ],
  ];
  it.each(cases)('%s', (_, m, message) => {
    let caught: unknown;
    try {
      imp(m);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AxhwError);
    expect(`${(caught as AxhwError).message}\n${(caught as AxhwError).fix}`).toMatch(message);
    expect((caught as AxhwError).fix).toBeTruthy();
  });

  it('a file that is not ONNX: exit-2 error, no crash', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'axhw-onnx-')), 'bad.onnx');
    writeFileSync(file, 'not a protobuf at all, just text\n');
    expect(() => readModelProto(file)).toThrow(AxhwError);
  });
});

describe('the vendored ONNX schema', () => {
  it('is the file PROVENANCE.md lists, unchanged (sha256), with the license beside it', () => {
    const dir = dirname(ONNX_PROTO);
    const provenance = readFileSync(join(dir, 'PROVENANCE.md'), 'utf8');
    for (const [f, path] of [
      ['onnx.proto3', 'onnx/onnx.proto3'],
      ['LICENSE', 'LICENSE'],
    ]) {
      const sha = createHash('sha256')
        .update(readFileSync(join(dir, f!)))
        .digest('hex');
      expect(provenance, f).toContain(`| \`${f}\` | \`${path}\` | \`${sha}\` |`);
    }
    expect(provenance).toMatch(/commit: [0-9a-f]{40}/);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });
});

describe('ONNX export', () => {
  it('import(export(network)) gives the same layers and the same weights bit for bit (convolutions, c > 1 flatten, image MLP)', () => {
    const strided: ModelSpec = {
      name: 'strided',
      input: [9, 9, 2],
      layers: [
        { kind: 'conv2d', filters: 3, kernel: 3, pad: 'valid', relu: true, stride: 2, pads: [0, 1, 1, 0] },
        { kind: 'flatten' },
        { kind: 'dense', units: 4, relu: false },
      ],
    };
    for (const spec of [lenet5([12, 12, 3], 4), mlp('img-mlp', [4, 4, 2], [5, 3]), mlp('vec', [7], [6, 2]), strided]) {
      const net = new Network(spec, 3);
      const weights = net.weights();
      net.dispose();
      const file = join(mkdtempSync(join(tmpdir(), 'axhw-onnx-')), 'e.onnx');
      writeFileSync(file, exportOnnx(spec, weights, { classes: ['a'], producerVersion: 't' }));
      const back = importOnnx(readModelProto(file), file, spec.name);
      const bound = bindToData(back, spec.input, spec.layers.filter((l) => l.kind === 'dense').at(-1)!.units, 'data');
      expect(bound.spec).toEqual(spec);
      for (const w of weights)
        expect(Buffer.from(bound.weights.find((x) => x.name === w.name)!.data.buffer), `${spec.name} ${w.name}`).toEqual(
          Buffer.from(w.data.buffer),
        );
    }
  });

  it("axhw's ONNX interpreter runs the exported float network as the engine computes it (LeNet-5 on 3 channels)", () => {
    const spec = lenet5([12, 12, 3], 4);
    const net = new Network(spec, 7);
    const x = seeded(2 * 12 * 12 * 3, 3);
    const engine = Array.from(net.forward(tfTensor(x, [2, 12, 12, 3])).dataSync());
    const proto = roundTripBytes(exportOnnx(spec, net.weights(), { classes: [], producerVersion: 't' }));
    net.dispose();
    const nchw = new Float64Array(x.length);
    for (let s = 0; s < 2; s++)
      for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 144; p++) nchw[s * 432 + ch * 144 + p] = x[s * 432 + p * 3 + ch]!;
    const out = runOnnx(proto, { input: { dims: [2, 3, 12, 12], data: nchw } }).logits!;
    expect(out.dims).toEqual([2, 4]);
    expect(worst(out.data, engine)).toBeLessThan(1e-5);
  });

  it('a negative control: a wrong flatten order would change the function (the c > 1 permutation is tested, not vacuous)', () => {
    const spec = mlp('img-mlp', [2, 2, 3], [4]);
    const net = new Network(spec, 5);
    const weights = net.weights();
    const x = seeded(12, 9);
    const engine = Array.from(net.forward(tfTensor(x, [1, 2, 2, 3])).dataSync());
    net.dispose();
    const onnx = importOnnx(roundTripBytes(exportOnnx(spec, weights, { classes: [], producerVersion: 't' })), 'e', 'e');
    const nchw = new Float32Array(12);
    for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 4; p++) nchw[ch * 4 + p] = x[p * 3 + ch]!;
    expect(worst(evaluateImported(onnx, nchw, 1), engine)).toBeLessThan(1e-6);
    // Fed the engine's h-w-c vector as if it were c-h-w, the exported network computes something else.
    expect(worst(evaluateImported(onnx, x, 1), engine)).toBeGreaterThan(1e-3);
  });
});

import { tf } from '../../src/nn/backend.js';
const tfTensor = (x: Float32Array, shape: number[]) => tf.tensor(x, shape);
function roundTripBytes(b: Uint8Array): ModelProto {
  const file = join(mkdtempSync(join(tmpdir(), 'axhw-onnx-')), 'x.onnx');
  writeFileSync(file, b);
  return readModelProto(file);
}
