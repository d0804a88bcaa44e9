import { Command } from 'commander';
import { addOptions, flag, optionValues, text } from '../../util/options.js';
import { withExamples } from '../format/examples.js';
import { commandLine } from '../format/command-line.js';
import { printJson } from '../format/output.js';
import { checkOutputDir } from '../../util/output-path.js';
import { RECOGNISED_FILES } from '../../report/sources.js';
import { writeReport } from '../../report/page.js';

/** Any set of result folders as one static HTML page. */
const REPORT_OPTIONS = {
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
  return addOptions(cmd, REPORT_OPTIONS).action(async (dirs: string[], parsedOptions: object) => {
    const opts = optionValues(REPORT_OPTIONS, parsedOptions);
    checkOutputDir(opts.out, '-o');
    const r = await writeReport(dirs, opts.out, { title: opts.title, command: commandLine() });
    if (opts.json) return printJson(r);
    process.stdout.write(
      `wrote ${r.path}: ${r.documents} documents, ${(r.bytes / 1024).toFixed(0)} KiB (open it in a browser; it needs no server)\n`,
    );
  });
}
