import { join } from 'node:path';
import { z } from 'zod';
import { axhwVersion } from '../paths.js';
import { toolVersions } from '../tools.js';
import { writeAtomic } from '../util/atomic-write.js';

/** The sidecar beside a result folder's data: how and with what it was made. */
export const PROVENANCE_FILE = 'provenance.json';

export const provenanceFileSchema = z.strictObject({
  format: z.literal('axhw-provenance'),
  version: z.literal(1),
  command: z.string(),
  createdAt: z.string(),
  axhw: z.string(),
  node: z.string(),
  /** Version lines of the system tools installed when the result was made. */
  tools: z.record(z.string(), z.string()),
});
export type ProvenanceFile = z.infer<typeof provenanceFileSchema>;

export async function provenanceRecord(command: string): Promise<ProvenanceFile> {
  return {
    format: 'axhw-provenance',
    version: 1,
    command,
    createdAt: new Date().toISOString(),
    axhw: axhwVersion(),
    node: process.version,
    tools: await toolVersions(),
  };
}

export async function writeProvenance(dir: string, command: string): Promise<string> {
  const path = join(dir, PROVENANCE_FILE);
  writeAtomic(path, JSON.stringify(await provenanceRecord(command), null, 2) + '\n');
  return path;
}
