import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { OptionsOf } from '../../util/options.js';
import type { EXPORT_ACCELERGY_OPTIONS, EXPORT_ONNX_OPTIONS } from '../commands/export.js';
import { checkOutputFile } from '../../util/output-path.js';
import { loadModel } from '../../nn/model-file.js';
import { exportOnnx } from '../../onnx/export.js';
import { axhwVersion } from '../../paths.js';
import { loadTrainedModel } from '../../evaluate/model-data.js';
import { preprocessingText } from '../../data/preprocessing.js';
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

/** `axhw export onnx`: the model folder's float network as an ONNX file, its preprocessing in the metadata. */
export function runExportOnnx(opts: OptionsOf<typeof EXPORT_ONNX_OPTIONS>, dir: string): void {
  checkOutputFile(opts.out, '-o');
  const { file, weights } = loadModel(dir);
  const preprocessing = file.preprocessing ?? { kind: 'standardise' as const };
  // A network axhw trained expects standardised inputs: the statistics (fitted on its training split) go with it.
  const standardisation = preprocessing.kind === 'standardise' ? loadTrainedModel(dir).data.standardisation : undefined;
  const bytes = exportOnnx(file.model, weights, { preprocessing, standardisation, classes: file.classes, producerVersion: axhwVersion() });
  writeAtomic(opts.out, bytes);
  const input =
    file.model.input.length === 3
      ? `N x ${file.model.input[2]} x ${file.model.input[0]} x ${file.model.input[1]}`
      : `N x ${file.model.input[0]}`;
  const summary = {
    file: opts.out,
    model: file.model.name,
    bytes: bytes.length,
    input,
    classes: file.classes,
    preprocessing: preprocessingText(preprocessing),
  };
  if (opts.json) return printJson(summary);
  const rule = standardisation
    ? `standardised (x - mean) / std ${standardisation.mode === 'global' ? 'over all pixels' : 'per feature'}, ` +
      "the statistics in the file's metadata"
    : preprocessingText(preprocessing);
  process.stdout.write(
    `wrote ${opts.out} (${bytes.length} bytes): ${file.model.name}, input ${input}, output the ${file.classes.length} logits; ` +
      `inputs preprocessed as ${rule}\n`,
  );
}
