import { AxhwError } from '../errors.js';
import type { Experiment } from './experiment.js';
import type { OptionSet } from '../util/options.js';
import { axtrainExperiment } from './axtrain/index.js';
import { tetrisExperiment } from './tetris/index.js';
import { framnnExperiment } from './framnn/index.js';
import { axnetExperiment } from './axnet/index.js';
import { axtrainSystemExperiment } from './axtrain-system/index.js';

/**
 * An experiment with its result type erased: the runner hands each experiment only the result its own
 * `run` returned, so the entries can share one list.
 */
const entry = <R, S extends OptionSet>(e: Experiment<R, S>) => e as unknown as Experiment;

/** The registry of paper evaluations. Adding one = a folder here with its index.ts + one line below. */
const experiments: readonly Experiment[] = [
  entry(axtrainExperiment),
  entry(axtrainSystemExperiment),
  entry(framnnExperiment),
  entry(tetrisExperiment),
  entry(axnetExperiment),
];

export function listExperiments(): readonly Experiment[] {
  return experiments;
}

export function getExperiment(name: string): Experiment {
  const e = experiments.find((x) => x.name === name);
  if (!e) throw new AxhwError(`Unknown experiment '${name}'.`, `Experiments: ${experiments.map((x) => x.name).join(', ')}.`);
  return e;
}
