import { existsSync } from 'node:fs';
import type { OptionsOf } from '../../util/options.js';
import type { IMPORT_ONNX_OPTIONS } from '../commands/import.js';
import { AxhwError } from '../../errors.js';
import { initBackend } from '../../nn/backend.js';
import { importModel } from '../../onnx/import-model.js';
import { checkOutputDir } from '../../util/output-path.js';
import { pct } from '../../util/quantities.js';
import { printJson } from '../format/output.js';
import { commandLine } from '../format/command-line.js';

/** `axhw import onnx`: everything is read and checked before the model folder is written. */
export async function runImportOnnx(opts: OptionsOf<typeof IMPORT_ONNX_OPTIONS>, file: string): Promise<void> {
  if (!existsSync(file)) throw new AxhwError(`${file} not found.`, 'Give the path of a .onnx file.');
  checkOutputDir(opts.out, '-o');
  await initBackend();
  const r = importModel({
    file,
    out: opts.out,
    dataset: opts.data,
    dataPath: opts.dataPath,
    seed: opts.seed,
    preprocessing: opts.preprocess,
    name: opts.name,
    limitTrain: opts.limitTrain,
    limitTest: opts.limitTest,
    command: commandLine(),
  });
  if (opts.json) return printJson(r);
  const layers = r.model.layers.map((l) =>
    l.kind === 'dense'
      ? `dense ${l.units}`
      : l.kind === 'conv2d'
        ? `conv ${l.filters}@${l.kernel}x${l.kernel}`
        : l.kind === 'maxpool'
          ? `pool ${l.size}`
          : 'flatten',
  );
  process.stdout.write(
    [
      `imported ${file} (${r.source.producer}, opset ${r.source.opset}): ${r.model.input.join('x')} -> ${layers.join(' -> ')}`,
      ...r.notes.map((n) => `  note: ${n}`),
      `float accuracy on ${r.dataset.name}'s ${r.dataset.test} test samples, input preprocessed as ${r.preprocessing}: ` +
        pct(r.testAccuracy),
      '  (a low accuracy usually means another preprocessing than the one the network was trained with: check --preprocess)',
      ...qdqLines(r.qdq),
      `wrote ${opts.out}/ (model.json, weights.bin, import.json)`,
    ].join('\n') + '\n',
  );
}

/** The QDQ comparison, when the weights came through DequantizeLinear. */
function qdqLines(qdq: ReturnType<typeof importModel>['qdq']): string[] {
  if (!qdq) return [];
  const scales = (l: (typeof qdq.layers)[number]) =>
    l.qdqScales.perOutput
      ? `per output, ${l.qdqScales.min.toPrecision(3)} to ${l.qdqScales.max.toPrecision(3)}`
      : l.qdqScales.min.toPrecision(3);
  return [
    ...qdq.layers.map(
      (l) =>
        `  QDQ weights of layer ${l.layer}: ${l.differing} of ${l.codes} codes differ from axhw's ` +
        `(8-bit at 2^${l.axhwExponent}; QDQ scale ${scales(l)})`,
    ),
    `  with axhw's power-of-two weight codes instead (what the NPU computes with): ${pct(qdq.axhwAccuracy)}; ` +
      'the model keeps the QDQ weights',
  ];
}
