import { existsSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { AxhwError } from '../errors.js';
import type { BatchModel, OperatorPorts, ResultWords } from '../models/operator.js';

type ScalarModel = (a: number, b: number) => number | bigint;

/**
 * Load a user's model: an ES module whose default export (or export named `model`) is a function
 * (a, b) => product. It receives operand values (negative for signed units) and returns the product
 * as a number or BigInt, which must fit the result port (signed ports: two's-complement range).
 */
export async function loadScalarModel(path: string): Promise<ScalarModel> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new AxhwError(`Model file ${path} does not exist.`, 'Check the --model path.');
  if (!['.mjs', '.js'].includes(extname(abs))) {
    throw new AxhwError(
      `Model ${path} must be an ES module (.mjs or .js).`,
      'Write the model as `export default function (a, b) { return a * b; }` in a .mjs file.',
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new AxhwError(
      `Model ${path} failed to load: ${await whereItFailed(abs, e)}`,
      'Fix the JavaScript error at the line named above.',
    );
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
  const lo = signed ? -(1n << BigInt(w - 1)) : 0n;
  const hi = signed ? (1n << BigInt(w - 1)) - 1n : (1n << BigInt(w)) - 1n;
  return {
    evalBatch(a: Uint32Array, b: Uint32Array, n: number, out: ResultWords) {
      for (let i = 0; i < n; i++) {
        const va = val(a[i], pa.width);
        const vb = val(b[i], pb.width);
        let v: unknown;
        try {
          v = fn(va, vb);
        } catch (e) {
          throw new AxhwError(
            `Model ${name} threw for operands (${va}, ${vb}): ${(e as Error)?.message ?? String(e)}`,
            'Fix the model: it must return the product for every operand pair the ports allow.',
          );
        }
        let big: bigint;
        if (typeof v === 'bigint') big = v;
        else if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v);
        else
          throw new AxhwError(
            `Model ${name} returned ${String(v)} for (${va}, ${vb}); it must return an integer (number or BigInt).`,
            'Return a whole number (number or BigInt) for every operand pair.',
          );
        // A value the result port cannot hold would be cut to w bits, and a wrong model could then pass.
        if (big < lo || big > hi) {
          throw new AxhwError(
            `Model ${name} returned ${big} for operands ` +
              `(${va}, ${vb}), which does not fit the ${w}-bit ${signed ? 'signed' : 'unsigned'} ` +
              `result port (${lo} to ${hi}).`,
            'Fix the model, or check --y and the port widths: the model must return the value the result port holds.',
          );
        }
        const code = BigInt.asUintN(w, big);
        if (wide) {
          out[2 * i] = Number(code & 0xffffffffn);
          out[2 * i + 1] = Number(code >> 32n);
        } else out[i] = Number(code);
      }
    },
  };
}

/**
 * The load error with the model's file:line. Node's dynamic import reports a syntax error without its
 * place, so the file is checked again with `node --check`, which prints it; an error thrown while the
 * module runs names its place in the stack.
 */
async function whereItFailed(abs: string, e: unknown): Promise<string> {
  const err = e as Error;
  if (err instanceof SyntaxError) {
    const r = await execa(process.execPath, ['--check', abs], { reject: false });
    const place = r.stderr
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 3)
      .join('\n');
    if (place.startsWith(abs)) return `${err.message}\n${place}`;
  }
  const url = pathToFileURL(abs).href;
  const at = (err.stack ?? '').split('\n').find((l) => l.includes(url));
  const m = at && /:(\d+):(\d+)\)?\s*$/.exec(at);
  return m ? `${err.message} (${abs}:${m[1]}:${m[2]})` : err.message;
}
