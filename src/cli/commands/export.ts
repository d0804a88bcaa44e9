import { Command } from 'commander';
import { addOptions, choice, flag, optionValues, parsed, text } from '../../util/options.js';
import { toCount } from '../../util/numbers.js';
import { withExamples } from '../format/examples.js';
import { MEMORY_KINDS } from '../../synth/memory-kind.js';

/** `axhw export accelergy`: per-action energies and areas measured at gate level, for Timeloop / Accelergy. */
export const EXPORT_ACCELERGY_OPTIONS = {
  out: text('-o, --out <dir>', 'folder for ERT.yaml and ART.yaml').mandatory(),
  memory: choice('--memory <kind>', "the memories' kind: sram, ff-gated or ff-ungated (the record has all three)", MEMORY_KINDS).default(
    'ff-gated',
  ),
  json: flag('--json', 'print what was written as JSON'),
};

function accelergyCommand(): Command {
  const cmd = withExamples(new Command('accelergy'), [
    'axhw export accelergy fm-cost.json -o accelergy',
    'axhw export accelergy fm-cost.json --memory sram -o accelergy-sram',
  ])
    .description(
      'write an Accelergy energy reference table (ERT.yaml) and area reference table (ART.yaml), format 0.3, from the ' +
        "-o file of `axhw npu cost`: multiply, MAC, control cycle, and each memory's read, write and idle, in pJ and um^2, " +
        "measured at gate level on the network's own inferences",
    )
    .argument('<npu-cost.json>', 'the -o file of `axhw npu cost`');
  return addOptions(cmd, EXPORT_ACCELERGY_OPTIONS).action(async (file: string, parsedOptions: object) =>
    (await import('../run/export.js')).runExportAccelergy(optionValues(EXPORT_ACCELERGY_OPTIONS, parsedOptions), file),
  );
}

export const EXPORT_ONNX_OPTIONS = {
  out: text('-o, --out <file>', 'the .onnx file to write').mandatory(),
  asHardware: text(
    '--as-hardware <unit:params>',
    "the integer network as the NPU computes it on this multiplier (codes, the multiplier's table read from its RTL applied " +
      'by a Gather, integer sums, requantisation): any ONNX runtime then gives the integer reference bit for bit',
  ),
  check: parsed(
    '--check <n>',
    "--as-hardware: test samples evaluated by axhw's ONNX interpreter against the integer reference",
    toCount,
  ).default(20),
  json: flag('--json', 'print what was written as JSON'),
};

function onnxCommand(): Command {
  const cmd = withExamples(new Command('onnx'), [
    'axhw export onnx out/digits-mlp -o digits-mlp-axhw.onnx',
    'axhw export onnx out/bc --as-hardware drum:width=8,k=3,signed -o bc-drum3.onnx',
  ])
    .description(
      'write a model folder as a float ONNX network (opset 13: Conv, Relu, MaxPool, Flatten, Gemm; input N x C x H x W or ' +
        'N x features, output the logits) for PyTorch and ONNX runtimes; its preprocessing and classes go in the metadata',
    )
    .argument('<model-dir>', 'a model folder (axhw train, axhw import onnx)');
  return addOptions(cmd, EXPORT_ONNX_OPTIONS).action(async (dir: string, parsedOptions: object) =>
    (await import('../run/export.js')).runExportOnnx(optionValues(EXPORT_ONNX_OPTIONS, parsedOptions), dir),
  );
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write results in the formats of other tools')
    .addCommand(accelergyCommand())
    .addCommand(onnxCommand());
}
