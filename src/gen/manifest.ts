import { mkdirSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
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
  return { generator: 'axhw', unit: d.unit, params: d.params, top: d.top, files: Object.keys(d.sources), ports: d.ports, rtlHash: d.rtlHash };
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

/** Write via a temp file in the same folder and rename, so a crash never leaves a half-written file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
