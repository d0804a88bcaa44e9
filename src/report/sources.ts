import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { AxhwError } from '../errors.js';
import type { ResultDocument } from '../doc/document.js';
import { provenanceFileSchema, PROVENANCE_FILE } from '../doc/provenance-file.js';
import { characterizeDocument } from '../characterize/report.js';
import { characterizeReportSchema } from '../characterize/schema.js';
import type { CharacterizeReport } from '../characterize/characterize.js';
import { npuCostSchema, npuDocument, npuRunSchema } from '../target/npu-report.js';
import { trainMetricsSchema, trainingDocument } from '../train/report.js';
import { listExperiments } from '../experiments/registry.js';
import { evalDocument, evalResultSchema } from '../evaluate/eval-report.js';
import { tetrisAnalysisDocument, tetrisAnalysisSchema } from '../tetris/analysis-report.js';
import { demoDocument, demoSummarySchema } from './demo-summary.js';
import { importDocument, importRecordSchema } from '../onnx/import-report.js';
import { RECOGNISED_FILES, RESULT_KINDS, type ResultKey } from './result-files.js';
import { readValidated } from '../util/read-validated.js';

/** A result file read and validated against its schema (undefined when the file is absent). */
type Reader = <S extends z.ZodType>(file: string, schema: S) => z.infer<S> | undefined;

/**
 * The result folders `axhw report` understands, each recognised by a file it holds, validated against
 * that file's schema, and read as documents. A folder may hold several (an NPU run and its cost).
 */
interface Kind {
  /** The folder holds this kind when it holds any of these files. */
  files: string[];
  /** The `format` each of those files carries, in the same order (none for characterize.json, recognised by its name): a file given by
   * itself is recognised by it. */
  formats: string[];
  /** Its documents, reading the folder's files through `read` (validated; undefined when a file is absent). */
  documents(dir: string, read: Reader): ResultDocument[] | Promise<ResultDocument[]>;
}

/** Each result's documents, by its first file (result-files.ts declares the files and formats). */
const DOCUMENTS: Record<ResultKey, Kind['documents']> = {
  'characterize.json': (_d, read) => [characterizeDocument(read('characterize.json', characterizeReportSchema) as CharacterizeReport)],
  'metrics.json': (dir, read) => [trainingDocument(read('metrics.json', trainMetricsSchema)!, basename(dir) || 'result')],
  'npu-run.json': (_d, read) => [npuDocument(read('npu-run.json', npuRunSchema), read('npu-cost.json', npuCostSchema))],
  'eval.json': (_d, read) => [evalDocument(read('eval.json', evalResultSchema)!)],
  'tetris-analysis.json': (_d, read) => [tetrisAnalysisDocument(read('tetris-analysis.json', tetrisAnalysisSchema)!)],
  'import.json': (_d, read) => [importDocument(read('import.json', importRecordSchema)!)],
};

const KINDS: Kind[] = [
  ...listExperiments().map((e): Kind => ({
    files: [e.resultFile],
    formats: [`axhw-${e.name}-experiment`],
    documents: async (_d, read) => {
      const code = await e.load();
      return [code.document(read(e.resultFile, code.schema))];
    },
  })),
  ...RESULT_KINDS.map((k): Kind => ({ files: [...k.files], formats: [...k.formats], documents: DOCUMENTS[k.files[0]] })),
];

const WHAT =
  'Give result folders or files: what axhw demo, experiment, characterize, train, eval, npu run/cost, tetris analyze ' +
  'or import onnx wrote with -o.';

/**
 * Every document of one result, a folder or a file: the -o output of any command. A file is read as
 * the folder holding just it, recognised by the `format` it carries (a name can mislead: `tetris.json`
 * may be the experiment's or an analysis), else by its name (characterize.json has no format).
 */
export async function loadResult(path: string): Promise<ResultDocument[]> {
  if (!existsSync(path)) throw new AxhwError(`${path} does not exist.`, WHAT);
  if (statSync(path).isDirectory()) return loadResultDir(path);
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format;
  } catch {
    throw new AxhwError(`${path} is not an axhw result: not a JSON file.`, WHAT);
  }
  const name = basename(path);
  let as = format === 'axhw-demo' ? 'summary.json' : undefined;
  for (const k of KINDS) k.formats.forEach((f, i) => f === format && (as = k.files[i]));
  as ??= KINDS.some((k) => k.files.includes(name)) || name === 'summary.json' ? name : undefined;
  if (!as)
    throw new AxhwError(
      `${path} is not an axhw result: its format is ${JSON.stringify(format ?? null)}.`,
      `${WHAT} Recognised formats: ${KINDS.flatMap((k) => k.formats).join(', ')}.`,
    );
  return loadResultFiles(dirname(path), (f) => (f === as ? path : undefined));
}

/** Every document of one result folder (a demo folder: its summary, then each step's folder). */
export async function loadResultDir(dir: string): Promise<ResultDocument[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AxhwError(`${dir} is not a folder.`, WHAT);
  return loadResultFiles(dir, (f) => (existsSync(join(dir, f)) ? join(dir, f) : undefined));
}

/** The documents of the result files `pathOf` finds (by their names in `dir`, the folder they stand for). */
async function loadResultFiles(dir: string, pathOf: (file: string) => string | undefined): Promise<ResultDocument[]> {
  const read = <S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined => {
    const p = pathOf(file);
    return p ? readValidated(p, schema) : undefined;
  };
  const sidecar = read(PROVENANCE_FILE, provenanceFileSchema);
  const demo = read('summary.json', demoSummarySchema);
  if (demo) {
    const docs = [demoDocument(demo)];
    // In order, one step at a time: the first folder that does not validate is the one reported.
    for (const s of demo.steps) if (s.dir) docs.push(...(await loadResultDir(join(dir, s.dir))));
    return docs;
  }
  const docs: ResultDocument[] = [];
  for (const k of KINDS.filter((k) => k.files.some((f) => pathOf(f) !== undefined))) docs.push(...(await k.documents(dir, read)));
  if (!docs.length) throw new AxhwError(`${dir} holds no axhw results.`, `A result folder holds one of: ${RECOGNISED_FILES.join(', ')}.`);
  if (!sidecar) return docs;
  // Tool versions recorded when the results were made; the document's own record of a tool wins.
  return docs.map((d) => ({
    ...d,
    provenance: { ...d.provenance, tools: { ...sidecar.tools, node: sidecar.node, axhw: sidecar.axhw, ...d.provenance?.tools } },
  }));
}
