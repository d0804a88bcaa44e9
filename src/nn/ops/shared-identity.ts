// TensorFlow.js itself, not ../backend.js (which calls this when the wasm backend starts).
import { tf } from '../tf.js';

/**
 * The wasm backend's Identity, and its Cast to the same dtype, copy the tensor's memory. The engine runs
 * Identity on every tensor it saves for a backward pass (a LeNet-5 step saves 26, four of them
 * 1.2 MB activations) and Cast on the gradient flowing back through each, so a training step spent
 * about 1 ms copying. Tensor data is immutable in TensorFlow.js (a variable's assign swaps its data,
 * never writes it), so sharing the data under a second reference, as the CPU backend's Identity and the
 * wasm backend's own Reshape do, gives the same values without the copy. Registered once, in place of
 * the backend's kernels, when the wasm backend starts.
 */
export function shareIdentityOnWasm(): void {
  if (done || !tf.getKernel('Identity', 'wasm')) return;
  const cast = tf.getKernel('Cast', 'wasm')!.kernelFunc;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: ({ inputs, backend }) => share(inputs['x']!, backend) });
  tf.unregisterKernel('Cast', 'wasm');
  tf.registerKernel({
    kernelName: 'Cast',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x']!;
      return x.dtype === args.attrs?.['dtype'] ? share(x, args.backend) : cast(args);
    },
  });
  done = true;
}

let done = false;

/** A kernel's output that is its input x, the data shared under one more reference (every backend counts them). */
export function share({ dataId, shape, dtype }: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as tf.KernelBackend).incRef(dataId);
  return { dataId, shape, dtype };
}
