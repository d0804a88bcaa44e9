import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { OptionsOf } from '../../util/options.js';
import type { EXPORT_ACCELERGY_OPTIONS, EXPORT_ONNX_OPTIONS } from '../commands/export.js';
import { checkOutputFile } from '../../util/output-path.js';
import { loadModel } from '../../nn/model-file.js';
import { exportOnnx } from '../../onnx/export.js';
import { exportHardwareOnnx } from '../../onnx/hardware-export.js';
import { checkHardwareExport } from '../../onnx/hardware-check.js';
import { decodeModelProto } from '../../onnx/proto.js';
import { quantisedModel } from '../../target/from-model.js';
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
export async function runExportOnnx(opts: OptionsOf<typeof EXPORT_ONNX_OPTIONS>, dir: string): Promise<void> {
  checkOutputFile(opts.out, '-o');
  if (opts.asHardware) return exportAsHardware(opts, dir, opts.asHardware);
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

/** `--as-hardware`: the quantised network as integer ONNX, checked by axhw's interpreter before it is written. */
async function exportAsHardware(opts: OptionsOf<typeof EXPORT_ONNX_OPTIONS>, dir: string, mult: string): Promise<void> {
  const m = await quantisedModel({ modelDir: dir, mult });
  try {
    const bytes = exportHardwareOnnx(m.q, { producerVersion: axhwVersion(), multiplier: m.multSpec, classes: m.data.classes });
    const t = m.data.test;
    const n = Math.min(opts.check, t.n);
    const check = checkHardwareExport(decodeModelProto(bytes, opts.out), m.q, t.x.subarray(0, n * (t.x.length / t.n)), n);
    // A difference here is a bug in the exporter (or the interpreter), never the user's: nothing is written.
    if (check.differing > 0)
      throw new Error(`internal: the exported graph differs from the integer reference on ${check.differing} of ${n} samples`);
    writeAtomic(opts.out, bytes);
    const summary = { file: opts.out, model: m.q.spec.name, multiplier: m.multSpec, bytes: bytes.length, checked: check };
    if (opts.json) return printJson(summary);
    process.stdout.write(
      `wrote ${opts.out} (${bytes.length} bytes): ${m.q.spec.name} as ${m.multSpec} computes it (integer codes, the RTL's ` +
        `product table, int64 sums), output the logits (float64); axhw's ONNX interpreter gives the integer reference's ` +
        `logits on ${n} test samples, bit for bit\n`,
    );
  } finally {
    m.net.dispose();
  }
}
