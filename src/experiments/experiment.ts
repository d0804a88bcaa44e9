import type { z } from 'zod';
import type { OptionSet, OptionsOf } from '../util/options.js';
import type { ResultDocument } from '../doc/document.js';
import type { BackendName } from '../nn/backend.js';

export interface ExperimentContext {
  /** The command line that reproduces the run (recorded in the result). */
  command: string;
  log?: (m: string) => void;
  backend?: BackendName;
}

/**
 * A paper's evaluation: its options, how it runs, the schema of its result file, and how the result
 * reads as a document. `axhw experiment <name>` is derived from this; one runner validates and writes
 * every experiment's results (runner.ts).
 */
export interface Experiment<R = unknown, S extends OptionSet = OptionSet> {
  name: string;
  description: string;
  /** Real invocations for --help (the first is the quickest). */
  examples: string[];
  /** Its options, declared once: the CLI's flags and help and the typed values `run` gets come from these. */
  options: S;
  /** Report folder when -o is not given. */
  defaultOut: string;
  /** Name of the result file, which `axhw report` reads back and validates against the schema. */
  resultFile: string;
  /** What it does and how its result reads, loaded when it runs or its results are read (the help needs only the rest). */
  load(): Promise<ExperimentCode<R, S>>;
  /** Markdown file name of the document. */
  markdownFile: string;
  /** Lines printed after a run. */
  summary(r: R): string[];
  /**
   * Its independent jobs (applications, networks) in result order, when it can be sharded: `--shard i/n` runs
   * a contiguous share of them (code.runPart) and `axhw merge` joins the parts (code.mergeParts).
   */
  shardJobs?: { unit: string; jobs(opts: OptionsOf<S>): string[] };
}

/** An experiment's code: its run, the schema of its result file, its data files and its document. */
export interface ExperimentCode<R = unknown, S extends OptionSet = OptionSet> {
  /** Run with the option values (each declared default filled in) and the context. */
  run(opts: OptionsOf<S> & ExperimentContext): Promise<R>;
  /** The result file (the first data file), validated against this before anything is written. */
  schema: z.ZodType;
  /** JSON data files: [name, text], the result file first. */
  dataFiles(r: R): [string, string][];
  document(r: R): ResultDocument;
  /** Jobs [first, end) of shardJobs only: the part's result, as `run` would give it for those jobs alone. */
  runPart?(opts: OptionsOf<S> & ExperimentContext, first: number, end: number): Promise<R>;
  /**
   * The whole run's result from its parts' results in shard order (shards without jobs left out): equal to what
   * `run` gives (the same JSON text).
   */
  mergeParts?(parts: R[]): R;
}

/**
 * An experiment from what it declares: its files follow from its name (`out/experiment/<name>`, `<name>.json`,
 * `<name>.md`). Its `load()` imports the code only when the experiment runs or its results are read: the help
 * needs only the entry.
 */
export function defineExperiment<R, S extends OptionSet>(
  e: Omit<Experiment<R, S>, 'defaultOut' | 'resultFile' | 'markdownFile'>,
): Experiment<R, S> {
  return { ...e, defaultOut: `out/experiment/${e.name}`, resultFile: `${e.name}.json`, markdownFile: `${e.name}.md` };
}
