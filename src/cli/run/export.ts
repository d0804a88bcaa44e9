import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { OptionsOf } from '../../util/options.js';
import type { EXPORT_ACCELERGY_OPTIONS } from '../commands/export.js';
import { readValidated } from '../../util/read-validated.js';
import { npuCostSchema } from '../../target/npu-report.js';
import { accelergyTables, artSchema, ertSchema } from '../../target/accelergy.js';
import { checkOutputDir } from '../../util/output-path.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { printJson } from '../format/output.js';

/** `axhw export accelergy`: reads and checks the record, builds both tables, checks them, then writes both. */
export async function runExportAccelergy(opts: OptionsOf<typeof EXPORT_ACCELERGY_OPTIONS>, file: string): Promise<void> {
  checkOutputDir(opts.out, '-o');
  const record = readValidated(file, npuCostSchema);
  const { ert, art } = accelergyTables(record, opts.memory);
  // The tables are checked against the format before anything is written (a schema failure is ours: exit 3).
  ertSchema.parse(ert);
  artSchema.parse(art);
  const files = { ert: join(opts.out, 'ERT.yaml'), art: join(opts.out, 'ART.yaml') };
  const head =
    `# axhw export accelergy ${file} (memories: ${opts.memory}); ` +
    `${record.model} on ${record.npu}, ${record.library.name}, ${record.clockNs} ns clock\n`;
  writeAtomic(files.ert, head + dump(ert, { lineWidth: -1, noRefs: true }));
  writeAtomic(files.art, head + dump(art, { lineWidth: -1, noRefs: true }));
  if (opts.json) return printJson({ files, ...ert, ...art });
  process.stdout.write(
    `wrote ${files.ert} (${ert.ERT.tables.length} components) and ${files.art}: energies in pJ per action, areas in um^2, ` +
      `memories as ${opts.memory}\n`,
  );
}
