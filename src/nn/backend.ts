import { simdQuantiserStatus } from '../arith/simd-quantise.js';
import { layerKernelStatus } from './layer-kernels.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TFWasm from '@tensorflow/tfjs-backend-wasm';
import { AxhwError } from '../errors.js';
import { tf } from './tf.js';
import { shareIdentityOnWasm } from './ops/shared-identity.js';

/**
 * TensorFlow.js backend selection: tfjs-node (native libtensorflow; an optional dependency that cannot
 * install offline) when it loads, else the WebAssembly backend, else the pure-JS CPU backend. Every
 * result file records which one ran, since speed (never results' meaning) depends on it.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** Why a faster backend was not used. */
  notes: string[];
  tfjsVersion: string;
  /** How the approximate layers quantise their operands (WebAssembly SIMD, or JS and why). */
  quantiser: string;
  /** How exact convolutions and max pooling run (the WebAssembly kernels and their threads, or why not). */
  layers: string;
}

let chosen: BackendInfo | undefined;

export async function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  if (chosen && (!prefer || prefer === chosen.name)) return chosen;
  const notes: string[] = [];
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    const why = await tryBackend(name);
    if (why === undefined) {
      chosen = { name, notes, tfjsVersion: tf.version.tfjs, quantiser: simdQuantiserStatus(), layers: layerKernelStatus() };
      return chosen;
    }
    notes.push(`${name}: ${why}`);
  }
  if (prefer) {
    const others = (['tensorflow', 'wasm', 'cpu'] as const).filter((b) => b !== prefer && installed(b));
    throw new AxhwError(
      `--backend ${prefer} cannot start: ${notes[0]!.slice(prefer.length + 2)}. Available here: ${others.join(', ') || 'none'}.`,
      prefer === 'tensorflow'
        ? `Use --backend ${others[0] ?? 'wasm'}, or omit --backend to take the fastest that loads; tensorflow ` +
            `needs \`npm install @tensorflow/tfjs-node\`, which downloads libtensorflow (not possible offline).`
        : `Use --backend ${others[0] ?? 'cpu'}, or omit --backend; reinstall the dependencies with \`npm ci\`.`,
    );
  }
  throw new AxhwError(`No TensorFlow.js backend could start (${notes.join('; ')}).`, 'Reinstall the dependencies with `npm ci`.');
}

/** Whether a backend's package is there to load (cpu is part of TensorFlow.js itself). */
function installed(name: BackendName): boolean {
  if (name === 'cpu') return true;
  try {
    createRequire(import.meta.url).resolve(
      name === 'wasm' ? '@tensorflow/tfjs-backend-wasm/package.json' : '@tensorflow/tfjs-node/package.json',
    );
    return true;
  } catch {
    return false;
  }
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') {
      // A string specifier keeps TypeScript from requiring the optional package at build time.
      const spec = '@tensorflow/tfjs-node';
      await import(spec);
    }
    if (name === 'wasm') {
      const require = createRequire(import.meta.url);
      // required, not imported, as ./tf.ts explains
      const { setWasmPaths } = require('@tensorflow/tfjs-backend-wasm') as typeof TFWasm;
      setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    }
    const before = { u: process.listeners('uncaughtException'), r: process.listeners('unhandledRejection') };
    const ok = await tf.setBackend(name);
    if (!ok) return 'setBackend refused';
    await tf.ready();
    if (name === 'wasm') shareIdentityOnWasm();
    // The Emscripten runtime installs process-wide handlers that rethrow; Node then prints the whole
    // minified module as the error's source line. Errors are ours to report: drop its handlers.
    for (const l of process.listeners('uncaughtException')) if (!before.u.includes(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.r.includes(l)) process.removeListener('unhandledRejection', l);
    return undefined;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return name === 'tensorflow' ? `@tensorflow/tfjs-node is not installed or has no libtensorflow (${msg})` : msg;
  }
}

export function backendLine(b: BackendInfo): string {
  return (
    `TensorFlow.js ${b.tfjsVersion}, backend ${b.name}${b.notes.length ? ` (${b.notes.join('; ')})` : ''}; ` +
    `fixed-point quantiser: ${b.quantiser}; exact convolution and pooling: ${b.layers}`
  );
}

export { tf };
