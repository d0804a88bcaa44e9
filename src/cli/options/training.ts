import { Command, Option } from 'commander';
import { toCount, toInt, toProbability } from '../../util/numbers.js';

import { ntvRate } from '../../arith/ntv.js';

/** Hardware flags shared by train and eval: multiplier, product path, NTV storage. */
export function addHardwareOptions(cmd: Command): Command {
  return cmd
    .option(
      '--multiplier <unit:params>',
      'approximate multiplier from the registry, read out of its RTL, e.g. drum:width=8,k=4,signed or exact-mul:width=8,signed',
    )
    .option('--multiplier-table <file>', 'a table written by `axhw lut` (any unit, or your own Verilog via --rtl)')
    .addOption(
      new Option(
        '--path <path>',
        'product path: transform (per-operand transform + exact matrix product), table (every product looked up), auto',
      )
        .choices(['auto', 'transform', 'table'])
        .default('auto'),
    )
    .option('--ntv-rate <p>', 'NTV weight storage: independent bit-flip probability per stored bit (0 to 1)', toProbability)
    .option('--ntv-voltage <mV>', 'NTV weight storage by supply voltage: 400, 660 or 850 (10%, 1%, 0.1% flips)', toInt)
    .option('--ntv-draws <n>', 'evaluation: independent bit-flip draws (mean and standard deviation)', toCount, 50)
    .addOption(backendOption());
}

/** --backend, for every command that runs TensorFlow.js. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'TensorFlow.js backend (default: the fastest that loads)').choices(['tensorflow', 'wasm', 'cpu']);
}

export function hardwareFromOptions(opts: Record<string, unknown>) {
  return {
    multiplier: opts.multiplier as string | undefined,
    multiplierTable: opts.multiplierTable as string | undefined,
    path: opts.path as string | undefined,
    ntvRate: ntvRate({ rate: opts.ntvRate as number | undefined, voltageMv: opts.ntvVoltage as number | undefined }),
    ntvDraws: opts.ntvDraws as number,
  };
}
