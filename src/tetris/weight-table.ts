import { existsSync, readFileSync } from 'node:fs';
import { decodeNpy } from '../lut/npy.js';
import { valuesAsNumbers } from '../lut/table.js';
import { AxhwError } from '../errors.js';
import type { WeightLayer } from './analyze.js';

const FIX = 'Save the codes as a 2-D integer array of shape (fan-in, outputs), e.g. numpy.save("w.npy", codes.astype(numpy.int8)).';

/**
 * A user's weight table: an .npy of integer weight codes, shape (fan-in, outputs), each within the PE's
 * code range [qmin, qmax]; analysed as one dense layer.
 */
export function readWeightTable(file: string, range: { qmin: number; qmax: number }): WeightLayer {
  if (!existsSync(file)) throw new AxhwError(`Weight table ${file} does not exist.`, FIX);
  let npy: ReturnType<typeof decodeNpy>;
  try {
    npy = decodeNpy(readFileSync(file), file);
  } catch (e) {
    throw new AxhwError(
      `Weight table ${file} is not a 2-D integer .npy: ${e instanceof AxhwError ? e.message.replace(/^.*\(\.npy\): /, '') : String(e)}`,
      FIX,
    );
  }
  const codes = valuesAsNumbers(npy);
  const bad = codes.findIndex((v) => !(Number.isInteger(v) && v >= range.qmin && v <= range.qmax));
  if (bad >= 0)
    throw new AxhwError(
      `Weight table ${file}: entry ${bad} (row ${Math.floor(bad / npy.shape[1])}, column ${bad % npy.shape[1]}) ` +
        `= ${codes[bad]} is outside the codes ${range.qmin}..${range.qmax}.`,
      "Store the quantised codes of the PE's multiplier (e.g. -128..127 for exact-mul:width=8,signed), " +
        'or pick the multiplier whose codes they are with --multiplier.',
    );
  return { layer: 0, kind: 'dense', fanIn: npy.shape[0], outputs: npy.shape[1], rowsPerInference: 1, weightCodes: codes };
}
