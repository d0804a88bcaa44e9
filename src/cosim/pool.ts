import { cpus } from 'node:os';
import type { Design } from '../gen/design.js';
import { buildHarness, type HarnessBuild } from './build.js';
import { CosimSession } from './session.js';

/** A design's Verilated harness, built once (cached), running as `jobs` parallel processes. */
export interface CosimPool {
  build: HarnessBuild;
  sessions: CosimSession[];
  close(): Promise<void>;
}

export function defaultJobs(): number {
  return Math.max(1, cpus().length);
}

export async function openPool(d: Design, jobs = defaultJobs(), log?: (m: string) => void): Promise<CosimPool> {
  const build = await buildHarness(d, log);
  const sessions = await Promise.all(Array.from({ length: Math.max(1, jobs) }, () => CosimSession.open(build.binary, d)));
  return {
    build,
    sessions,
    close: async () => {
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}

/** What every co-simulation run takes: simulator processes, progress in pairs, and a log for build messages. */
export interface CosimRunOptions {
  /** Parallel simulator processes (default: number of cores). */
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
  log?: (msg: string) => void;
}
