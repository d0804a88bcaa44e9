import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { AxhwError } from '../errors.js';
import type { ResultDocument } from '../doc/document.js';
import { readProvenance, PROVENANCE_FILE } from '../doc/provenance-file.js';
import { characterizeDocument } from '../characterize/report.js';
import { characterizeReportSchema } from '../characterize/schema.js';
import type { CharacterizeReport } from '../characterize/characterize.js';
import { npuCostSchema, npuDocument, npuRunSchema } from '../npu/report.js';
import { trainMetricsSchema, trainingDocument } from '../train/report.js';
import { listExperiments } from '../experiments/registry.js';
import { demoDocument, demoSummarySchema } from './demo-summary.js';

/**
 * The result folders `axhw report` understands, each recognised by a file it holds, validated against
 * that file's schema, and read as documents. A folder may hold several (an NPU run and its cost).
 */
interface Kind {
  file: string;
  /** Other files read with it (optional ones included). */
  documents(dir: string, read: <S extends z.ZodType>(file: string, schema: S) => z.infer<S> | undefined): ResultDocument[];
}

const baseName = (dir: string) => dir.replace(/\/+$/, '').split('/').pop() || 'result';

const KINDS: Kind[] = [
  ...listExperiments().map((e): Kind => ({ file: e.resultFile, documents: (_d, read) => [e.document(read(e.resultFile, e.schema))] })),
  { file: 'characterize.json', documents: (_d, read) => [characterizeDocument(read('characterize.json', characterizeReportSchema) as CharacterizeReport)] },
  { file: 'metrics.json', documents: (dir, read) => [trainingDocument(read('metrics.json', trainMetricsSchema)!, baseName(dir))] },
  { file: 'npu-run.json', documents: (_d, read) => [npuDocument(read('npu-run.json', npuRunSchema), read('npu-cost.json', npuCostSchema))] },
];
export const RECOGNISED_FILES = [...KINDS.map((k) => k.file), 'npu-cost.json', 'summary.json (axhw demo)'];

function readValidated<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AxhwError(`${path} is not readable JSON: ${(e as Error).message}.`, 'Run again the command that wrote it (its folder holds provenance.json with the command).');
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new AxhwError(`${path} does not match its schema (${issues}).`, 'It was edited or written by another version of axhw: run again the command that wrote it, or leave the folder out.');
  }
  return r.data;
}

/** Every document of one result folder (a demo folder: its summary, then each step's folder). */
export function loadResultDir(dir: string): ResultDocument[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AxhwError(`${dir} is not a folder.`, 'Give result folders: the -o folders of axhw demo, experiment, characterize, train or npu run/cost.');
  const read = <S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined => {
    const p = join(dir, file);
    return existsSync(p) ? readValidated(p, schema) : undefined;
  };
  const sidecar = existsSync(join(dir, PROVENANCE_FILE)) ? readValidatedProvenance(dir) : undefined;
  const demo = read('summary.json', demoSummarySchema);
  if (demo) return [demoDocument(demo), ...demo.steps.flatMap((s) => (s.dir ? loadResultDir(join(dir, s.dir)) : []))];
  let docs = KINDS.filter((k) => existsSync(join(dir, k.file))).flatMap((k) => k.documents(dir, read));
  if (!docs.length && existsSync(join(dir, 'npu-cost.json'))) docs = [npuDocument(undefined, read('npu-cost.json', npuCostSchema))];
  if (!docs.length) throw new AxhwError(`${dir} holds no axhw results.`, `A result folder holds one of: ${RECOGNISED_FILES.join(', ')}.`);
  if (!sidecar) return docs;
  // Tool versions recorded when the results were made; the document's own record of a tool wins.
  return docs.map((d) => ({ ...d, provenance: { ...d.provenance, tools: { ...sidecar.tools, node: sidecar.node, axhw: sidecar.axhw, ...d.provenance?.tools } } }));
}

function readValidatedProvenance(dir: string) {
  try {
    return readProvenance(dir);
  } catch (e) {
    throw new AxhwError(`${join(dir, PROVENANCE_FILE)} does not match its schema (${(e as Error).message.slice(0, 200)}).`, 'Delete it or run again the command that wrote the folder.');
  }
}
