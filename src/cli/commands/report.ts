import { Command } from 'commander';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';
import { RECOGNISED_FILES } from '../../report/result-files.js';

/** Any set of result folders as one static HTML page. */
export const REPORT_OPTIONS = {
  out: text('-o, --out <dir>', 'folder of the page (index.html)').mandatory(),
  title: text('--title <text>', 'page title').default('axhw report'),
  json: flag('--json', 'print what was written as JSON'),
};

export function reportCommand(): Command {
  const cmd = withExamples(new Command('report'), [
    'axhw report reports/demo -o reports/demo-again',
    'axhw report out/experiment/axnet reports/drum out/bc -o reports/mine --title "DRUM study"',
  ])
    .description(
      `render results (the -o folder or file of demo, experiment, characterize, train, eval, npu ` +
        `run/cost, tetris analyze) into one static HTML page (index.html), each validated against its ` +
        `schema first; a folder holds one of: ${RECOGNISED_FILES.join(', ')}`,
    )
    .argument('<result...>', 'result folders or files, in the order the page shows them');
  return addOptions(cmd, REPORT_OPTIONS).action(async (dirs: string[], parsedOptions: object) =>
    (await import('../run/report.js')).runReport(optionValues(REPORT_OPTIONS, parsedOptions), dirs),
  );
}
