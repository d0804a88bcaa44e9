import { join } from 'node:path';
import { printJson } from '../format/output.js';
import { commandLineOf } from '../format/command-line.js';
import { formatVerifyReport } from '../format/verify-report.js';
import { checkOutputDir } from '../../util/output-path.js';
import { writeAtomic } from '../../util/atomic-write.js';
import { readParts } from '../../shard/read-parts.js';
import type { Part } from '../../shard/part.js';
import type { VerifyReport } from '../../verify/verify.js';
import type { NpuRunPart } from '../../target/npu-report.js';
import type { NpuCostShardPayload } from './npu.js';
import type { CharacterizePart } from '../../characterize/characterize.js';
import { pct } from '../../util/quantities.js';
import { AxhwError } from '../../errors.js';
import type { OptionsOf } from '../../util/options.js';
import type { MERGE_OPTIONS } from '../commands/merge.js';

type MergeOptions = OptionsOf<typeof MERGE_OPTIONS>;

/**
 * `axhw merge`: read and check the parts (read-parts.ts), then join them the way their job's command defines.
 * Each job's code is loaded only when its parts are merged (a verify merge does not load the NPU or TensorFlow.js).
 */
export async function runMerge(opts: MergeOptions, paths: string[]): Promise<void> {
  checkOutputDir(opts.out, '-o');
  const { parts } = readParts(paths);
  const job = parts[0]!.plan.job;
  if (job === 'verify') return mergeVerify(parts, opts);
  if (job === 'characterize') return mergeCharacterize(parts, opts);
  if (job === 'npu run') return mergeNpuRun(parts, opts);
  if (job === 'npu cost') return mergeNpuCost(parts, opts);
  if (job.startsWith('experiment ')) return mergeExperiment(job.slice('experiment '.length), parts, opts);
  throw new AxhwError(`The parts are of a job this axhw cannot merge: '${job}'.`, 'Merge them with the axhw version that wrote them.');
}

/** The unsharded `axhw verify --report` file, as <out>/verify.json; exit 1 when any part found a mismatch. */
async function mergeVerify(parts: Part[], opts: MergeOptions): Promise<void> {
  const { mergeVerifyReports } = await import('../../verify/verify.js');
  const report = mergeVerifyReports(parts.map((p) => p.payload as VerifyReport));
  const file = join(opts.out, 'verify.json');
  writeAtomic(file, JSON.stringify(report, null, 2) + '\n');
  if (opts.json) printJson(report);
  else process.stdout.write(`${formatVerifyReport(report)}  merged ${parts.length} parts; wrote ${file}\n`);
  if (!report.passed) process.exitCode = 1;
}

/** The experiment's report folder, as its unsharded command writes it (the result records that command). */
async function mergeExperiment(name: string, parts: Part[], opts: MergeOptions): Promise<void> {
  const [{ getExperiment }, { writeExperimentResult }] = await Promise.all([
    import('../../experiments/registry.js'),
    import('../../experiments/runner.js'),
  ]);
  const exp = getExperiment(name);
  const code = await exp.load();
  if (!code.mergeParts) throw new AxhwError(`Experiment ${name} cannot be sharded.`, 'Run it whole (without --shard).');
  const result = code.mergeParts(parts.map((p) => p.payload).filter((p) => p !== null));
  const command = commandLineOf(parts[0]!.plan.command);
  const files = await writeExperimentResult(exp, code, result, command, opts.out);
  if (opts.json) return printJson(result);
  process.stdout.write([...exp.summary(result), `  merged ${parts.length} parts`, ...files.map((f) => `  wrote ${f}`)].join('\n') + '\n');
}

/** The unsharded characterize report folder (JSON, CSV, Markdown, Pareto plot), savings against the baseline of part 0. */
async function mergeCharacterize(parts: Part[], opts: MergeOptions): Promise<void> {
  const [{ assembleReport }, { toMarkdown, writeReport: writeCharacterizeReport }] = await Promise.all([
    import('../../characterize/characterize.js'),
    import('../../characterize/report.js'),
  ]);
  const rep = assembleReport(...parts.map((p) => p.payload as CharacterizePart));
  rep.command = commandLineOf(parts[0]!.plan.command);
  const files = await writeCharacterizeReport(rep, opts.out);
  if (opts.json) return printJson({ ...rep, written: files });
  process.stdout.write(toMarkdown(rep) + `  merged ${parts.length} parts\n` + files.map((f) => `wrote ${f}\n`).join(''));
}

/** The unsharded `axhw npu run -o` record, as <out>/npu-run.json; exit 1 when a part was not bit-exact or its cycles were off the model. */
async function mergeNpuRun(parts: Part[], opts: MergeOptions): Promise<void> {
  const { mergeNpuRunParts, npuRunFailure, npuRunSchema } = await import('../../target/npu-report.js');
  // Checked against the record's schema like every result written: a merge that does not fit is a bug.
  const record = npuRunSchema.parse(mergeNpuRunParts(parts.map((p) => p.payload).filter((p): p is NpuRunPart => p !== null)));
  const file = join(opts.out, 'npu-run.json');
  writeAtomic(file, JSON.stringify(record, null, 2) + '\n');
  if (opts.json) printJson(record);
  else if (record.bitExact)
    process.stdout.write(
      `${record.model} on ${record.top}: ${record.samples} samples bit-exact with the integer reference ` +
        `(${record.comparedOutputs} layer outputs compared); accuracy from the RTL ${pct(record.accuracyRtl!)}\n` +
        `  merged ${parts.length} parts; wrote ${file}\n`,
    );
  const failure = npuRunFailure(record, record.mismatch);
  if (failure) throw failure;
}

/** The unsharded `axhw npu cost -o` record, as <out>/npu-cost.json: the parts' toggles summed and priced once. */
async function mergeNpuCost(parts: Part[], opts: MergeOptions): Promise<void> {
  const { mergeNpuCost: merge } = await import('./npu.js');
  const payloads = parts.map((p) => p.payload).filter((p): p is NpuCostShardPayload => p !== null);
  await merge(parts[0]!.plan.command, payloads, opts.out, Boolean(opts.json));
}
