import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NPU_MEM } from '../models/npu-model.js';
import { codeBits, weightBits } from '../models/pe-arith.js';
import { writeAtomic } from '../util/atomic-write.js';
import type { NpuTarget } from './target.js';

const hex = (words: Iterable<number | bigint>, bits: number) => {
  const digits = Math.ceil(bits / 4);
  const lines: string[] = [];
  for (const w of words) lines.push(BigInt.asUintN(bits, BigInt(w)).toString(16).padStart(digits, '0'));
  return lines.join('\n') + '\n';
};

/**
 * `axhw npu compile`'s output: the NPU's Verilog, the memory images as $readmemh files (one per memory and
 * PE, in the word order of the host port) and manifest.json, which says where each layer lives and how the
 * host port addresses each image.
 */
export function writeCompiled(dir: string, t: NpuTarget, meta: Record<string, unknown>): string[] {
  const { compiled: c, design: d, geo } = t;
  mkdirSync(join(dir, 'rtl'), { recursive: true });
  mkdirSync(join(dir, 'images'), { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeAtomic(join(dir, name), text);
    files.push(join(dir, name));
  };
  for (const [name, text] of Object.entries(d.sources)) put(join('rtl', name), text);
  put('images/program.hex', hex(c.words, 32));
  const images: { file: string; memory: number; baseAddress: number; words: number; bits: number }[] = [
    { file: 'images/program.hex', memory: NPU_MEM.program, baseAddress: 0, words: c.words.length, bits: 32 },
  ];
  c.weights.forEach((w, p) => {
    const file = `images/weights_pe${p}.hex`;
    put(file, hex(w, weightBits(geo.format)));
    images.push({ file, memory: NPU_MEM.weights, baseAddress: p * 2 ** geo.wa, words: w.length, bits: weightBits(geo.format) });
  });
  c.biases.forEach((b, p) => {
    const file = `images/biases_pe${p}.hex`;
    put(
      file,
      hex(
        Array.from(b, (v) => BigInt(v)),
        geo.format.accBits,
      ),
    );
    images.push({ file, memory: NPU_MEM.biases, baseAddress: p * 2 ** geo.ba, words: b.length, bits: geo.format.accBits });
  });
  const manifest = {
    format: 'axhw-npu-program',
    version: 1,
    ...meta,
    top: d.top,
    rtlHash: d.rtlHash,
    geometry: {
      P: geo.P,
      multiplierWidth: geo.format.n,
      signedMultiplier: geo.format.signed,
      accumulatorBits: geo.format.accBits,
      codeBits: codeBits(geo.format),
      weightBits: weightBits(geo.format),
      weightWords: geo.wdepth,
      biasWords: geo.bdepth,
      activationWords: geo.adepth,
      programWords: geo.pdepth,
    },
    inputExp: c.inputExp,
    inputCodes: c.program.inputSize,
    cyclesPerInference: c.cyclesPerInference,
    layers: c.layers.map((l, i) => ({ ...l, instruction: c.program.layers[i] })),
    images,
    hostPort:
      'memory 0 program, 1/2 activation buffers, 3 weights (pe << weightAddressBits | word), 4 fault ' +
      'masks (same), 5 biases (pe << biasAddressBits | word)',
    weightAddressBits: geo.wa,
    biasAddressBits: geo.ba,
  };
  put('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  return files;
}
