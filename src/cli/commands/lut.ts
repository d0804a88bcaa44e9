import { Command } from 'commander';
import { Opt, addOptions, choice, flag, optionValues, parsed, text } from '../../util/options.js';
import { addDesignOptions } from '../options/design.js';
import { listUnits } from '../../gen/registry.js';
import { toJobs } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';

/** lut's options: --table lists the derived tables of the registry's units. */
export function lutOptions() {
  const derived = listUnits().flatMap((u) => (u.derivedTables ?? []).map((t) => `${t.name} [${u.name}]: ${t.doc}`));
  return {
    out: text('-o, --out <file>', 'table file: .npy, .bin or .hex (a <file>.json sidecar is written beside it)').mandatory(),
    format: choice('--format <fmt>', 'table format (default: from the file extension)', ['npy', 'bin', 'hex']),
    table: text('--table <kind>', `pairs (default): every operand pair; ${derived.join('; ')}`).default('pairs'),
    verify: new Opt<boolean, true>('--no-verify', 'do not check the entries against the model'),
    jobs: parsed('--jobs <n>', 'parallel simulator processes (default: number of cores)', toJobs),
    json: flag('--json', 'print the table metadata as JSON'),
    quiet: flag('--quiet', 'no progress output'),
  };
}

export function lutCommand(): Command {
  const cmd = withExamples(new Command('lut'), [
    'axhw lut drum:width=8,k=4,signed -o drum8k4.npy',
    'axhw lut fpmul --preset bfloat16 --table significand --mbits 5 -o sig5.hex',
    'axhw lut --rtl my_mult.v --top my_mult -o my_mult.bin --no-verify',
  ]).description('read a lookup table out of the Verilated RTL (checked against the model when there is one) and export it');
  const LUT_OPTIONS = lutOptions();
  addOptions(cmd, LUT_OPTIONS);
  addDesignOptions(cmd, false);
  return cmd.action(async (unit: string | undefined, parsedOptions: object) =>
    (await import('../run/lut.js')).runLut(optionValues(LUT_OPTIONS, parsedOptions), unit, parsedOptions),
  );
}
