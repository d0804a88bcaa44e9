import { tf } from '../backend.js';
import { layerKernels, type LayerKernels } from '../layer-kernels.js';
import { patchGeometry } from '../../ir/im2col.js';
import { registerOnActiveBackend, runKernel, type ArrayKernel } from './registered.js';

/**
 * The exact dense layer y = x W + b on the layer kernels: a matrix product is the convolution kernel with a
 * 1 x 1 window (rows of A as pixels, four to a row, so blocks of four share each load of B, and the
 * row blocks split over both threads). Every output is the float32 sum, over the inner dimension in
 * order from +0, that the wasm backend's product computes, so values and gradients are bit for bit those
 * of tf.matMul + tf.add (tested): dx = dy W^T, dW = x^T dy, db = each column's sum of dy in row order, as
 * the dense layer's own gradient computes them. Undefined where the kernels cannot load.
 */
export function directDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D | undefined {
  if (!registerMatMul()) return undefined;
  return matMul(x, w, b);
}

/**
 * The dense layer's gradients on the kernels, [dy W^T, x^T dy, column sums of dy], bit for bit what
 * denseGradients computes with TensorFlow.js's ops (dx left out when `input` is false); undefined without the kernels.
 */
export function kernelDenseGradients(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D, input = true): (tf.Tensor | undefined)[] | undefined {
  if (!registerMatMul()) return undefined;
  return [
    input ? matMul(dy, tf.transpose(w), tf.zeros([w.shape[0]])) : undefined,
    matMul(tf.transpose(x), dy, tf.zeros([dy.shape[1]])),
    columnSum(dy),
  ];
}

/** Registers the product and column-sum kernels on the active backend; false without the layer kernels. */
export function registerMatMul(): boolean {
  const k = layerKernels();
  if (k) registerOnActiveBackend(kernelsOf(k), GRADIENTS);
  return k !== undefined;
}

const MATMUL = 'AxhwMatMul';
const COLSUM = 'AxhwColumnSum';

const matMul = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => runKernel<tf.Tensor2D>(MATMUL, { a, b, bias }, {});
/** Each column's sum of a matrix, in row order from +0 (what tf.sum(a, 0) adds): a bias gradient. */
export const columnSum = (a: tf.Tensor) => runKernel<tf.Tensor1D>(COLSUM, { a }, {});

/**
 * A B + bias on plain arrays (A m x k, B k x n, row-major): what tf.add(tf.matMul(A, B), bias) computes,
 * bit for bit; undefined without the kernels. The hardware layers' products of transformed or masked
 * operands run on it.
 */
export function denseProduct(...args: ProductOperands): Float32Array | undefined {
  const kernels = layerKernels();
  return kernels && product(kernels, ...args);
}

/** A (m x k), B (k x n), bias (n), row-major. */
type ProductOperands = [a: Float32Array, b: Float32Array, bias: Float32Array, m: number, k: number, n: number];

/** A B + bias for A (m x k), B (k x n): the rows in blocks of four, then the rest one at a time. */
function product(kernels: LayerKernels, ...[a, b, bias, m, k, n]: ProductOperands): Float32Array {
  const whole = m - (m % 4);
  const out = new Float32Array(m * n);
  if (whole) out.set(kernels.forward(a.subarray(0, whole * k), patchGeometry(whole / 4, 1, 4, k, 1, 1, 'valid'), b, n, bias));
  if (whole < m) out.set(kernels.forward(a.subarray(whole * k), patchGeometry(m - whole, 1, 1, k, 1, 1, 'valid'), b, n, bias), whole * n);
  return out;
}

function kernelsOf(k: LayerKernels): ArrayKernel[] {
  return [
    {
      name: MATMUL,
      run: ({ a, b, bias }) => {
        const [[m, kk], n] = [a!.shape as [number, number], b!.shape[1]!];
        return {
          values: product(k, a!.values as Float32Array, b!.values as Float32Array, bias!.values as Float32Array, m, kk, n),
          shape: [m, n],
        };
      },
    },
    { name: COLSUM, run: ({ a }) => ({ values: k.biasGradient(a!.values as Float32Array, a!.shape[1]!), shape: [a!.shape[1]!] }) },
  ];
}

/**
 * d(A B + bias): dA = G B^T, dB = A^T G, dbias = the column sums of G; the column sums' derivative is the
 * upstream gradient repeated over the rows (as tf.sum's is). Transposes are TensorFlow.js's (exact).
 */
const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: MATMUL,
    inputsToSave: ['a', 'b'],
    gradFunc: (g, [a, b]) => {
      const dy = g as tf.Tensor;
      return {
        a: () => matMul(dy, tf.transpose(b!), tf.zeros([b!.shape[0]!])),
        b: () => matMul(tf.transpose(a!), dy, tf.zeros([dy.shape[1]!])),
        bias: () => columnSum(dy),
      };
    },
  },
  {
    kernelName: COLSUM,
    inputsToSave: ['a'],
    gradFunc: (u, [a]) => ({ a: () => tf.mul(tf.reshape(u as tf.Tensor, [1, a!.shape[1]!]), tf.ones(a!.shape)) }),
  },
];
