import { tf } from '../nn/backend.js';
import { Network } from '../nn/network.js';
import type { ImportedNetwork, Value } from './import.js';
import { convertImages } from './layout.js';

/**
 * The imported network's float output for ONNX-layout input (N x C x H x W or N x features), in ONNX's
 * layout (N x C x H x W for a feature map, c-h-w order for a flattened one): the engine's exact float32
 * forward pass, for comparison with an ONNX runtime's outputs.
 */
export function evaluateImported(imported: ImportedNetwork, x: Float32Array, batch: number, o: { head?: boolean } = {}): Float32Array {
  const net = new Network(imported.spec, 0);
  try {
    net.setWeights(imported.weights);
    const input = imported.spec.input;
    const engineX = input.length === 3 ? convertImages(x, batch, { h: input[0]!, w: input[1]!, c: input[2]! }) : x;
    let y: Float32Array = new Float32Array(0);
    // Read inside and return nothing: tidy walks what it returns, a typed array element by element.
    tf.tidy(() => {
      const z = net.forward(tf.tensor(engineX, [batch, ...input]));
      // The dropped head, over the classes, when the comparison is with the file's own output.
      const head = o.head ? imported.head : undefined;
      y = (head === 'Softmax' ? tf.softmax(z) : head === 'LogSoftmax' ? tf.logSoftmax(z) : z).dataSync() as Float32Array;
    });
    return toOnnxLayout(y, batch, imported.output);
  } finally {
    net.dispose();
  }
}

function toOnnxLayout(y: Float32Array, n: number, v: Value): Float32Array {
  const img = v.kind === 'image' ? v : v.chw;
  if (!img || (v.kind === 'flat' && v.n !== img.h * img.w * img.c)) return y;
  return convertImages(y, n, img, true);
}
