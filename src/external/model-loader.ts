import { existsSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AxhwError } from '../errors.js';
import type { BatchModel, OperatorPorts, ResultWords } from '../models/operator.js';

type ScalarModel = (a: number, b: number) => number | bigint;

/**
 * Load a user's model: an ES module whose default export (or export named `model`) is a function
 * (a, b) => product. It receives operand values (negative for signed units) and returns the product
 * as a number or BigInt; axhw reduces it to the result port's width.
 */
export async function loadScalarModel(path: string): Promise<ScalarModel> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new AxhwError(`Model file ${path} does not exist.`, 'Check the --model path.');
  if (!['.mjs', '.js'].includes(extname(abs))) {
    throw new AxhwError(`Model ${path} must be an ES module (.mjs or .js).`, 'Write the model as `export default function (a, b) { return a * b; }` in a .mjs file.');
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new AxhwError(`Model ${path} failed to load: ${(e as Error).message}`, 'Fix the JavaScript error above.');
  }
  const fn = typeof mod.default === 'function' ? mod.default : mod.model;
  if (typeof fn !== 'function') {
    throw new AxhwError(`Model ${path} exports no function.`, 'Export one: `export default function (a, b) { return a * b; }`.');
  }
  return fn as ScalarModel;
}

/** Adapt a scalar model to the batch interface (operand codes in, result codes out). */
export function batchFromScalar(fn: ScalarModel, ports: OperatorPorts, name: string): BatchModel {
  const { a: pa, b: pb, y, signed } = ports;
  const val = (c: number, w: number) => (signed && c >= 2 ** (w - 1) ? c - 2 ** w : c);
  const w = y.width;
  const wide = w > 32;
  return {
    evalBatch(a: Uint32Array, b: Uint32Array, n: number, out: ResultWords) {
      for (let i = 0; i < n; i++) {
        const va = val(a[i], pa.width);
        const vb = val(b[i], pb.width);
        const v = fn(va, vb);
        let big: bigint;
        if (typeof v === 'bigint') big = v;
        else if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v);
        else throw new AxhwError(`Model ${name} returned ${String(v)} for (${va}, ${vb}); it must return an integer (number or BigInt).`, 'Fix the model.');
        const code = BigInt.asUintN(w, big);
        if (wide) {
          out[2 * i] = Number(code & 0xffffffffn);
          out[2 * i + 1] = Number(code >> 32n);
        } else out[i] = Number(code);
      }
    },
  };
}
