import { tf } from '../backend.js';
import { layerKernels, type LayerKernels } from '../layer-kernels.js';
import { patchGeometry, type PatchGeometry } from '../../ir/im2col.js';
import { columnSum, registerMatMul } from './matmul.js';
import { registerOnActiveBackend, registerPassThrough, runKernel, valuesOf, type ArrayKernel } from './registered.js';

/**
 * The exact conv2d (stride 1, 'same' or 'valid') as three TensorFlow.js kernels run by the direct kernels
 * of layer-kernels.ts: the convolution, its input gradient and its weight gradient. Each computes, bit for
 * bit, what the patch op + dense layer compute (im2col, matrix product, col2im). Gradients are lazy: an
 * input gradient nobody asks for (the first layer's, whose input is the data) is never computed. Each
 * kernel's own gradient is built from the three (they are linear in each input), so gradients of
 * gradients work too; those equal the patch path's in value, not in bits (see exactPatchArithmetic).
 */
const CONV = 'AxhwConv2D';
const INPUT_GRAD = 'AxhwConv2DBackpropInput';
const WEIGHT_GRAD = 'AxhwConv2DBackpropFilter';
const STE_CONV = 'AxhwSteConv2D';

/** Geometry and output channels: the kernels' attributes. */
interface ConvAttrs extends PatchGeometry {
  cout: number;
}

/**
 * y = conv(x, W) + b as the (n*oh*ow) x cout matrix that patches(x) W + b is; W is (kh*kw*c) x cout.
 * Undefined where the kernels cannot load (the caller then runs the patch op).
 */
export function directConv2d(
  x: tf.Tensor4D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  kernel: number,
  pad: 'same' | 'valid',
): tf.Tensor2D | undefined {
  const k = layerKernels();
  if (!k || !registerMatMul()) return undefined;
  registerOnActiveBackend(kernelsOf(k), GRADIENTS);
  return conv(x, w, b, { ...patchGeometry(...x.shape, kernel, kernel, pad), cout: w.shape[1] });
}

/**
 * A convolution on other arithmetic (the approximate layers) trained with the straight-through estimator:
 * its value is `value(x, geometry, W, b)`, computed from the input image's values (over its patches,
 * `patchMatrix`, as the layer's dense form computes on the patch op), and its backward pass is the exact
 * layer's, on the direct kernels: bit for bit the dense layer's exact gradients followed by the patch op's
 * (col2im), without the patch matrix's transpose and col2im in JavaScript, and with the input gradient
 * only where it is asked for. `value` sees constants (W and b as values), so no gradient flows through it.
 * Undefined without the kernels.
 */
export function steConv2d(
  x: tf.Tensor4D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  kernel: number,
  pad: 'same' | 'valid',
  value: (image: Float32Array, g: PatchGeometry, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D,
): tf.Tensor2D | undefined {
  const k = layerKernels();
  if (!k || !registerMatMul()) return undefined;
  registerOnActiveBackend(kernelsOf(k), GRADIENTS);
  registerPassThrough(STE_CONV, 'y');
  const a: ConvAttrs = { ...patchGeometry(...x.shape, kernel, kernel, pad), cout: w.shape[1] };
  // The views of the backend's memory are read before the next tensor is made.
  const y = tf.tidy(() =>
    value(x.dataSync() as Float32Array, a, tf.tensor2d(valuesOf(w) as Float32Array, w.shape), tf.tensor1d(valuesOf(b) as Float32Array)),
  );
  return runKernel<tf.Tensor2D>(STE_CONV, { x, w, b, y }, a);
}

/**
 * im2col of an image's values on the kernels ((n*oh*ow) x (kh*kw*c), `padValue` outside the image): a view
 * into the kernels' memory, valid until their next call. Only where steConv2d runs (the kernels load).
 */
export function patchMatrix(image: Float32Array, g: PatchGeometry, padValue = 0): Float32Array {
  return layerKernels()!.patches(image, g, padValue);
}

const conv = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, a: ConvAttrs) => runKernel<tf.Tensor2D>(CONV, { x, w, b }, a);
const inputGrad = (dy: tf.Tensor, w: tf.Tensor, a: ConvAttrs) => runKernel<tf.Tensor4D>(INPUT_GRAD, { dy, w }, a);
const weightGrad = (x: tf.Tensor, dy: tf.Tensor, a: ConvAttrs) => runKernel<tf.Tensor2D>(WEIGHT_GRAD, { x, dy }, a);
/** The convolution without bias (a zero bias adds nothing: the sums are never -0). */
const plainConv = (x: tf.Tensor, w: tf.Tensor, a: ConvAttrs) => conv(x, w, tf.zeros([a.cout]), a);

const attrsOf = (a: tf.NamedAttrMap) => a as unknown as ConvAttrs;

function kernelsOf(k: LayerKernels): ArrayKernel[] {
  const f = (v: { values: Float32Array | Int32Array }) => v.values as Float32Array;
  return [
    {
      name: CONV,
      run: ({ x, w, b }, at) => {
        const a = attrsOf(at);
        return { values: k.forward(f(x!), a, f(w!), a.cout, f(b!)), shape: [a.n * a.oh * a.ow, a.cout] };
      },
    },
    {
      name: INPUT_GRAD,
      run: ({ dy, w }, at) => {
        const a = attrsOf(at);
        return { values: k.inputGradient(f(dy!), a, f(w!), a.cout), shape: [a.n, a.h, a.w, a.c] };
      },
    },
    {
      name: WEIGHT_GRAD,
      run: ({ x, dy }, at) => {
        const a = attrsOf(at);
        return { values: k.weightGradient(f(x!), a, f(dy!), a.cout), shape: [a.kh * a.kw * a.c, a.cout] };
      },
    },
  ];
}

/**
 * The bias gradient is each column's sum of G in row order (what tf.sum(G, 0) adds, in its order). With
 * L = <G, conv(x, W)> = sum over r, k, j of G[r, j] cols(x)[r, k] W[k, j], every other derivative is one of the
 * three kernels: d/dx = inputGrad(G, W), d/dW = weightGrad(x, G); and for the two gradient kernels (of
 * upstream gradients g) d inputGrad(dy, W)/d dy = conv(g, W), d/dW = weightGrad(g, dy); d weightGrad(x, dy)/dx =
 * inputGrad(dy, g), d/d dy = conv(x, g).
 */
const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: CONV,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, [x, w], attrs) => {
      const [a, g] = [attrsOf(attrs), dy as tf.Tensor];
      return { x: () => inputGrad(g, w!, a), w: () => weightGrad(x!, g, a), b: () => columnSum(g) };
    },
  },
  {
    kernelName: STE_CONV,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, [x, w], attrs) => {
      const [a, g] = [attrsOf(attrs), dy as tf.Tensor];
      return { x: () => inputGrad(g, w!, a), w: () => weightGrad(x!, g, a), b: () => columnSum(g), y: () => tf.zerosLike(g) };
    },
  },
  {
    kernelName: INPUT_GRAD,
    inputsToSave: ['dy', 'w'],
    gradFunc: (g, [dy, w], attrs) => ({
      dy: () => plainConv(g as tf.Tensor, w!, attrsOf(attrs)),
      w: () => weightGrad(g as tf.Tensor, dy!, attrsOf(attrs)),
    }),
  },
  {
    kernelName: WEIGHT_GRAD,
    inputsToSave: ['x', 'dy'],
    gradFunc: (g, [x, dy], attrs) => ({
      x: () => inputGrad(dy!, g as tf.Tensor, attrsOf(attrs)),
      dy: () => plainConv(x!, g as tf.Tensor, attrsOf(attrs)),
    }),
  },
];
