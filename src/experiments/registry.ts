import { AxhwError } from '../errors.js';
import type { Experiment } from './experiment.js';
import { axtrainExperiment } from './axtrain/index.js';

/** The registry of paper evaluations. Adding one = a folder here with its index.ts + one line below. */
const experiments: Experiment<never>[] = [axtrainExperiment as Experiment<never>];

export function listExperiments(): readonly Experiment[] {
  return experiments as readonly Experiment[];
}

export function getExperiment(name: string): Experiment {
  const e = experiments.find((x) => x.name === name);
  if (!e) throw new AxhwError(`Unknown experiment '${name}'.`, `Experiments: ${experiments.map((x) => x.name).join(', ')}.`);
  return e as Experiment;
}
