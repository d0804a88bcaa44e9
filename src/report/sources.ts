import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { AxhwError } from '../errors.js';
import type { ResultDocument } from '../doc/document.js';
import { provenanceFileSchema, PROVENANCE_FILE } from '../doc/provenance-file.js';
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
  /** The folder holds this kind when it holds any of these files. */
  files: string[];
  /** Its documents, reading the folder's files through `read` (validated; undefined when a file is absent). */
  documents(dir: string, read: <S extends z.ZodType>(file: string, schema: S) => z.infer<S> | undefined): ResultDocument[];
}

const KINDS: Kind[] = [
  ...listExperiments().map((e): Kind => ({ files: [e.resultFile], documents: (_d, read) => [e.document(read(e.resultFile, e.schema))] })),
  { files: ['characterize.json'], documents: (_d, read) => [characterizeDocument(read('characterize.json', characterizeReportSchema) as CharacterizeReport)] },
  { files: ['metrics.json'], documents: (dir, read) => [trainingDocument(read('metrics.json', trainMetricsSchema)!, basename(dir) || 'result')] },
  { files: ['npu-run.json', 'npu-cost.json'], documents: (_d, read) => [npuDocument(read('npu-run.json', npuRunSchema), read('npu-cost.json', npuCostSchema))] },
];
export const RECOGNISED_FILES = [...KINDS.flatMap((k) => k.files), 'summary.json (axhw demo)'];

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
  const sidecar = read(PROVENANCE_FILE, provenanceFileSchema);
  const demo = read('summary.json', demoSummarySchema);
  if (demo) return [demoDocument(demo), ...demo.steps.flatMap((s) => (s.dir ? loadResultDir(join(dir, s.dir)) : []))];
  const docs = KINDS.filter((k) => k.files.some((f) => existsSync(join(dir, f)))).flatMap((k) => k.documents(dir, read));
  if (!docs.length) throw new AxhwError(`${dir} holds no axhw results.`, `A result folder holds one of: ${RECOGNISED_FILES.join(', ')}.`);
  if (!sidecar) return docs;
  // Tool versions recorded when the results were made; the document's own record of a tool wins.
  return docs.map((d) => ({ ...d, provenance: { ...d.provenance, tools: { ...sidecar.tools, node: sidecar.node, axhw: sidecar.axhw, ...d.provenance?.tools } } }));
}
