import { encodeNpy } from '../lut/npy.js';
import type { TraceSidecar } from '../lut/trace-file.js';
import type { ApproxMultiplier } from '../multipliers/fixed-multiplier.js';
import type { PeFormat } from '../models/pe-arith.js';
import { NpuModel } from '../models/npu-model.js';
import { MAX_CYCLES } from '../synth/activity.js';
import type { CompiledNetwork } from './compile.js';
import { inputWords } from './compile.js';
import { loadCommands, type NpuRunOptions } from './run.js';
import type { NpuTarget } from './target.js';

/** Products the PEs compute per inference (idle PEs of a group multiply too: they see zero weights). */
export function multipliesPerInference(c: CompiledNetwork, P: number): number {
  return c.program.layers.reduce((s, l) => (l.op === 'mac' ? s + l.groups * l.oh * l.ow * l.fanIn * P : s), 0);
}

/**
 * The operand pairs one PE's multiplier sees during real inferences, in order, as an .npy of shape (n, 2)
 * (codes on its a and b ports) for `axhw synth <mult> --power sim --activity <file>`: PE 0's stream, then
 * PE 1's, ... (each is what one multiplier instance sees cycle after cycle), at most MAX_CYCLES pairs.
 * Taken from the NPU's transaction model, which the tests prove equal to the RTL.
 */
export function operandTrace(
  t: NpuTarget,
  y: ArrayLike<number>,
  x: Float32Array,
  n: number,
  o: Pick<NpuRunOptions, 'faultMasks'> = {},
): { npy: Buffer; pairs: number; samples: number } {
  const { compiled: c, geo } = t;
  const perPe: number[][] = Array.from({ length: geo.P }, () => []);
  const model = new NpuModel(geo, y, (pe, a, b) => perPe[pe]!.push(a, b));
  model.run(loadCommands(c, geo, o));
  const perSample = multipliesPerInference(c, geo.P);
  const samples = Math.max(1, Math.min(n, Math.floor(MAX_CYCLES / perSample)));
  const input = [] as bigint[];
  for (let s = 0; s < samples; s++) input.push(...inputWords(x, s * c.program.inputSize, c.program.inputSize, c.inputExp, geo.format));
  model.run([{ kind: 'run', cycles: Number.MAX_SAFE_INTEGER, dones: samples, input }]);
  const all = perPe.flat().slice(0, 2 * MAX_CYCLES);
  const data = Buffer.alloc(4 * all.length);
  all.forEach((v, i) => data.writeUInt32LE(v, 4 * i));
  return { npy: encodeNpy({ signed: false, bytes: 4 }, [all.length / 2, 2], data), pairs: all.length / 2, samples };
}

/** The multiplier's result codes (index a << N | b) from the table the network was quantised with (read from its RTL). */
export function resultCodes(m: ApproxMultiplier, f: PeFormat): Uint32Array {
  const side = 2 ** f.n;
  const range = m.qmax - m.qmin + 1;
  const y = new Uint32Array(side * side);
  const value = (code: number) => (f.signed && code >= side / 2 ? code - side : code);
  for (let a = 0; a < side; a++)
    for (let b = 0; b < side; b++) {
      const p = m.products![(value(a) - m.qmin) * range + (value(b) - m.qmin)]!;
      y[a * side + b] = p < 0 ? p + 2 ** f.yWidth : p;
    }
  return y;
}

/** The sidecar of a trace of one PE's multiplier: its codes as that multiplier's ports take them. */
export function operandTraceSidecar(multSpec: string, f: PeFormat, pairs: number, command: string): TraceSidecar {
  return {
    format: 'axhw-trace',
    version: 1,
    unit: multSpec,
    numbers: 'integer',
    aWidth: f.n,
    bWidth: f.n,
    signed: f.signed,
    operands: f.signed
      ? { a: "activation code (two's complement)", b: 'stored weight word' }
      : { a: '|activation| (sign-magnitude PE)', b: 'stored weight magnitude' },
    pairs,
    command,
  };
}
