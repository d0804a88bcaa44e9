import { tf } from '../backend.js';
import { share } from './shared-identity.js';

/**
 * TensorFlow.js kernels of our own: a kernel reads its inputs out of the backend, computes on typed arrays
 * and writes its output back (readSync / write work on every backend), so one definition is registered
 * on whichever backend is active when the op first runs there.
 */
export interface ArrayKernel {
  name: string;
  /** The output (values, shape) from the inputs' values and shapes and the attributes. */
  run(
    inputs: Record<string, { values: Float32Array | Int32Array; shape: number[] }>,
    attrs: tf.NamedAttrMap,
  ): { values: Float32Array; shape: number[] };
}

const registered = new Set<string>();

/** Registers the kernels on the active backend (once per backend) and their gradients (once). */
export function registerOnActiveBackend(kernels: ArrayKernel[], gradients: tf.GradConfig[]): void {
  const backendName = tf.getBackend();
  for (const k of kernels) {
    const key = `${k.name}@${backendName}`;
    if (registered.has(key)) continue;
    unregisterEarlier(k.name, backendName);
    tf.registerKernel({
      kernelName: k.name,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const b = backend as tf.KernelBackend;
        const values = Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, { values: read(b, t!), shape: t!.shape }]));
        const out = k.run(values, attrs ?? {});
        return { dataId: b.write(owned(out.values), out.shape, 'float32'), shape: out.shape, dtype: 'float32' };
      },
    });
    registered.add(key);
  }
  for (const g of gradients) {
    if (registered.has(`${g.kernelName}@gradient`)) continue;
    tf.registerGradient(g);
    registered.add(`${g.kernelName}@gradient`);
  }
}

/**
 * TensorFlow.js's registry outlives this module where a process loads the module again (test files sharing a
 * worker): the registration this module instance makes replaces the earlier one, without the registry's warning.
 */
function unregisterEarlier(kernelName: string, backendName: string): void {
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
}

/**
 * Registers (once per backend) a kernel whose output is its input `input`, the data shared, not copied:
 * a node of the tape whose forward value was computed elsewhere and whose gradient is its own.
 */
export function registerPassThrough(name: string, input: string): void {
  const key = `${name}@${tf.getBackend()}`;
  if (registered.has(key)) return;
  unregisterEarlier(name, tf.getBackend());
  tf.registerKernel({
    kernelName: name,
    backendName: tf.getBackend(),
    kernelFunc: ({ inputs, backend }) => share(inputs[input]!, backend),
  });
  registered.add(key);
}

/** The wasm backend's own tensor record (internal; read only where present, else readSync copies). */
interface WasmHeap {
  dataIdMap?: { get(id: object): { memoryOffset: number; dtype: string } | undefined };
  wasm?: { HEAPU8: Uint8Array };
}

/**
 * A tensor's values: on the wasm backend a view of its memory, valid until the backend next allocates
 * (the kernels copy their inputs before anything else runs), sparing readSync's copy; else readSync.
 */
function read(b: tf.KernelBackend, t: tf.TensorInfo): Float32Array | Int32Array {
  const rec = (b as unknown as WasmHeap).dataIdMap?.get(t.dataId);
  const heap = (b as unknown as WasmHeap).wasm?.HEAPU8;
  const size = t.shape.reduce((a, x) => a * x, 1);
  if (rec && heap && (rec.dtype === 'float32' || rec.dtype === 'int32'))
    return new (rec.dtype === 'float32' ? Float32Array : Int32Array)(heap.buffer as ArrayBuffer, rec.memoryOffset, size);
  return b.readSync(t.dataId) as Float32Array | Int32Array;
}

/** A tensor's values for a kernel to copy in at once (see read). */
export function valuesOf(t: tf.Tensor): Float32Array | Int32Array {
  return read(tf.backend(), t);
}

/**
 * Values a tensor may take over: the wasm backend copies what it is given into its own memory, the
 * others keep the array itself, so a view into the kernels' scratch memory is copied for them first.
 */
export function owned(values: Float32Array): Float32Array {
  return tf.getBackend() === 'wasm' ? values : values.slice();
}

/** Runs a registered kernel on tensors. */
export function runKernel<T extends tf.Tensor>(name: string, inputs: Record<string, tf.Tensor>, attrs: object): T {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as T;
}
