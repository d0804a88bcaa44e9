#!/usr/bin/env node
// Why: the npm registry this project installs from serves only the linux-x64 native builds of Rollup
// (a vitest/vite dependency). npm then writes no lock entries for the other platforms' optional
// packages, and npm 11's `npm ci` rejects such a lock as "out of sync". This adds those entries,
// tagged with their os/cpu so `npm ci` skips them on every other platform, exactly as a lock written
// with the full registry would. Run it after any `npm install` that rewrites package-lock.json.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  if (!key.endsWith('node_modules/rollup') || !entry.optionalDependencies) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const at = `node_modules/${name}`;
    if (pkgs[at]) continue;
    const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-(gnu|musl|msvc|eabi|gnueabihf|musleabihf|ohos))?$/.exec(name);
    if (!m) throw new Error(`complete-lock: cannot tell the platform of ${name}`);
    const os = {
      android: 'android',
      darwin: 'darwin',
      freebsd: 'freebsd',
      linux: 'linux',
      win32: 'win32',
      openbsd: 'openbsd',
      openharmony: 'openharmony',
    }[m[1]];
    const cpu = {
      arm: 'arm',
      arm64: 'arm64',
      x64: 'x64',
      ia32: 'ia32',
      riscv64: 'riscv64',
      s390x: 's390x',
      ppc64: 'ppc64',
      loong64: 'loong64',
      loongarch64: 'loong64',
      wasm32: 'wasm32',
      universal: undefined,
    }[m[2]];
    if (!os) throw new Error(`complete-lock: unknown os in ${name}`);
    const e = { version, dev: entry.dev ?? undefined, optional: true, os: [os] };
    if (cpu) e.cpu = [cpu];
    if (m[3] === 'gnu' || m[3] === 'gnueabihf') e.libc = ['glibc'];
    if (m[3] === 'musl' || m[3] === 'musleabihf') e.libc = ['musl'];
    pkgs[at] = e;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: added ${added} platform-specific optional entries`);
