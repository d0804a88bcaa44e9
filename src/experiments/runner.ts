import { join } from 'node:path';
import { writeAtomic } from '../util/atomic-write.js';
import { writeDocument } from '../doc/write.js';
import { writeProvenance } from '../doc/provenance-file.js';
import type { Experiment, ExperimentCode, ExperimentContext } from './experiment.js';
import type { OptionSet, OptionsOf } from '../util/options.js';

/**
 * Run an experiment and write its report folder: the JSON data files (the result file checked against the
 * experiment's schema first: a result that does not fit is a bug, and nothing is written), then the
 * document as Markdown with its figures as SVG, and the provenance sidecar (tool versions).
 */
export async function runExperiment<R, S extends OptionSet>(
  exp: Experiment<R, S>,
  opts: OptionsOf<S>,
  ctx: ExperimentContext,
  outDir: string,
): Promise<{ result: R; files: string[] }> {
  const code = await exp.load();
  const result = await code.run({ ...opts, ...ctx });
  return { result, files: await writeExperimentResult(exp, code, result, ctx.command, outDir) };
}

/** An experiment's report folder from its result (a run's, or the merge of a sharded run's parts). */
export async function writeExperimentResult<R, S extends OptionSet>(
  exp: Experiment<R, S>,
  code: ExperimentCode<R, S>,
  result: R,
  command: string,
  outDir: string,
): Promise<string[]> {
  const data = code.dataFiles(result);
  const [name, text] = data[0]!;
  if (name !== exp.resultFile)
    throw new Error(`${exp.name}: the first data file is ${name}, not its declared result file ${exp.resultFile}`);
  const check = code.schema.safeParse(JSON.parse(text));
  if (!check.success)
    throw new Error(
      `${exp.name}: ${name} does not match its schema: ${check.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const files = data.map(([file, content]) => {
    const path = join(outDir, file);
    writeAtomic(path, content);
    return path;
  });
  files.push(...(await writeDocument(code.document(result), outDir, exp.markdownFile)));
  files.push(await writeProvenance(outDir, command));
  return files;
}
