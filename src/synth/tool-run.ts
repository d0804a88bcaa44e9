import { execa } from 'execa';
import { missingTool } from '../tools.js';
import { AxhwError } from '../errors.js';
import { summariseToolLog } from '../cosim/build.js';

/** Run an EDA tool; a missing binary names its package, a failure carries the tool's own messages. */
export async function runTool(tool: 'yosys' | 'sta', args: string[], cwd: string, what: string): Promise<string> {
  let r;
  try {
    r = await execa(tool, args, { cwd, reject: false, all: true });
  } catch {
    throw missingTool(tool);
  }
  if ((r as { code?: string }).code === 'ENOENT') throw missingTool(tool);
  const log = r.all ?? '';
  if (r.exitCode !== 0 || (tool === 'sta' && /^Error:/m.test(log))) {
    const lines = log.split('\n');
    const errors = lines.filter((l) => /^(Error|ERROR)|error:/i.test(l));
    throw new AxhwError(`${tool} failed while ${what}:\n${errors.length ? errors.slice(0, 20).map((l) => `  ${l}`).join('\n') : summariseToolLog(log)}`, `The messages above are ${tool}'s own; fix the input they point at.`);
  }
  return log;
}
