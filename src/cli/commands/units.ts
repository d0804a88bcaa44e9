import { Command } from 'commander';
import { addOptions, flag, optionValues } from '../../util/options.js';
import { withExamples } from '../format/examples.js';

export const UNITS_OPTIONS = { json: flag('--json', 'print as JSON') };

export function unitsCommand(): Command {
  const cmd = withExamples(new Command('units'), ['axhw units', 'axhw units --json']).description(
    'list the registry units and their parameters',
  );
  return addOptions(cmd, UNITS_OPTIONS).action(async (parsedOptions: object) =>
    (await import('../run/units.js')).runUnits(optionValues(UNITS_OPTIONS, parsedOptions)),
  );
}
