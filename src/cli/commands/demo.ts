import { Command } from 'commander';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';
import { BACKEND_OPTIONS } from '../options/training.js';

/** The main job on built-in defaults, from RTL to a network on the NPU, and its HTML report. */
export const DEMO_OPTIONS = {
  out: text('-o, --out <dir>', 'report folder (replaced only when every step has passed)').default('reports/demo'),
  ...BACKEND_OPTIONS,
  json: flag('--json', 'print summary.json to stdout'),
};

export function demoCommand(): Command {
  const cmd = withExamples(new Command('demo'), ['axhw demo', 'axhw demo -o out/demo --json']).description(
    'the main job end to end on built-in defaults (about 3 to 5 minutes the first time on 2 cores, about ' +
      'a minute with its builds and syntheses cached: measured): generate and verify DRUM (sign + 8-bit ' +
      'magnitude, k = 2..5), the exact multiplier and fpmul; export their tables; characterise area, delay and ' +
      'power; train the breast-cancer MLP and a Fashion-MNIST MLP with bp and AxTrain and evaluate ' +
      'them on DRUM and NTV storage; the AxTrain, AxTrain system-level, FramNN and AXNet quick runs; run the trained network ' +
      'on the NPU RTL bit-exact with cycles and energy; write index.html (one static page) and summary.json',
  );
  return addOptions(cmd, DEMO_OPTIONS).action(async (parsedOptions: object) =>
    (await import('../run/demo.js')).runDemoCommand(optionValues(DEMO_OPTIONS, parsedOptions)),
  );
}
