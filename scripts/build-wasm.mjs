#!/usr/bin/env node
// Assembles wasm/*.wat (hand-written WebAssembly text, with SIMD) into dist/wasm/*.wasm with wabt.
// Part of `npm run build`; the .wasm files are build products and are not committed.
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wabt = await initWabt();
mkdirSync(join(root, 'dist', 'wasm'), { recursive: true });
for (const f of readdirSync(join(root, 'wasm')).filter((n) => n.endsWith('.wat'))) {
  // threads: conv.wat imports a shared memory, which worker threads run the same kernels on.
  const features = { simd: true, sat_float_to_int: true, threads: true };
  const mod = wabt.parseWat(f, readFileSync(join(root, 'wasm', f), 'utf8'), features);
  mod.validate(features);
  const { buffer } = mod.toBinary({});
  mod.destroy();
  writeFileSync(join(root, 'dist', 'wasm', basename(f, '.wat') + '.wasm'), Buffer.from(buffer));
}
