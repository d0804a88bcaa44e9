import { mkdirSync } from 'node:fs';
import { writeAtomic } from '../util/atomic-write.js';
import { join } from 'node:path';
import type { Design } from './design.js';

export interface Manifest {
  generator: 'axhw';
  unit: string;
  params: Design['params'];
  top: string;
  files: string[];
  ports: Design['ports'];
  rtlHash: string;
}

export function manifestOf(d: Design): Manifest {
  return {
    generator: 'axhw',
    unit: d.unit,
    params: d.params,
    top: d.top,
    files: Object.keys(d.sources),
    ports: d.ports,
    rtlHash: d.rtlHash,
  };
}

/** Write the Verilog and manifest.json into outDir; each file is written whole (temp + rename). */
export function writeDesign(d: Design, outDir: string): { files: string[]; manifest: Manifest } {
  mkdirSync(outDir, { recursive: true });
  const manifest = manifestOf(d);
  const files: string[] = [];
  for (const [name, text] of Object.entries(d.sources)) {
    const path = join(outDir, name);
    writeAtomic(path, text);
    files.push(path);
  }
  const mpath = join(outDir, 'manifest.json');
  writeAtomic(mpath, JSON.stringify(manifest, null, 2) + '\n');
  files.push(mpath);
  return { files, manifest };
}
