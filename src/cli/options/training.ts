import { toCount, toInt, toProbability } from '../../util/numbers.js';
import { choice, parsed, text, type OptionsOf } from '../../util/options.js';
import { ntvRate } from '../../arith/ntv.js';

/** --backend, for every command that runs TensorFlow.js. */
export const BACKEND_OPTIONS = {
  backend: choice('--backend <name>', 'TensorFlow.js backend (default: the fastest that loads)', ['tensorflow', 'wasm', 'cpu']),
};

/** Hardware flags shared by train and eval: multiplier, product path, NTV storage. */
export const HARDWARE_OPTIONS = {
  multiplier: text(
    '--multiplier <unit:params>',
    'approximate multiplier from the registry, read out of its RTL, e.g. drum:width=8,k=4,signed or exact-mul:width=8,signed',
  ),
  multiplierTable: text('--multiplier-table <file>', 'a table written by `axhw lut` (any unit, or your own Verilog via --rtl)'),
  path: choice(
    '--path <path>',
    'product path: transform (per-operand transform + exact matrix product), table (every product looked up), auto',
    ['auto', 'transform', 'table'],
  ).default('auto'),
  ntvRate: parsed('--ntv-rate <p>', 'NTV weight storage: independent bit-flip probability per stored bit (0 to 1)', toProbability),
  ntvVoltage: parsed('--ntv-voltage <mV>', 'NTV weight storage by supply voltage: 400, 660 or 850 (10%, 1%, 0.1% flips)', toInt),
  ntvDraws: parsed('--ntv-draws <n>', 'evaluation: independent bit-flip draws (mean and standard deviation)', toCount).default(50),
  ...BACKEND_OPTIONS,
};

export function hardwareFromOptions(o: OptionsOf<typeof HARDWARE_OPTIONS>) {
  return {
    multiplier: o.multiplier,
    multiplierTable: o.multiplierTable,
    path: o.path,
    ntvRate: ntvRate({ rate: o.ntvRate, voltageMv: o.ntvVoltage }),
    ntvDraws: o.ntvDraws,
  };
}
