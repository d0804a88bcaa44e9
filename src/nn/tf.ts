import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

/**
 * TensorFlow.js, loaded with require. Its packages are CommonJS bundles: an ES import of one makes Node
 * scan the whole source for its export names first (cjs-module-lexer), which took about 0.35 s of every
 * process that trains or evaluates (import 0.5 to 0.9 s, require 0.2 s, with the wasm backend). The
 * module object is the same either way; the namespace below gives its types the `tf.Tensor2D` spelling
 * the code uses.
 */
export const tf: typeof TF = createRequire(import.meta.url)('@tensorflow/tfjs') as typeof TF;

// Types only: merges with the value above so that `tf.Tensor2D` names a type as it did with `import * as tf`.
/* eslint-disable @typescript-eslint/no-namespace */
export declare namespace tf {
  type Rank = TF.Rank;
  type Tensor<R extends TF.Rank = TF.Rank> = TF.Tensor<R>;
  type Scalar = TF.Scalar;
  type Tensor1D = TF.Tensor1D;
  type Tensor2D = TF.Tensor2D;
  type Tensor3D = TF.Tensor3D;
  type Tensor4D = TF.Tensor4D;
  type Variable<R extends TF.Rank = TF.Rank> = TF.Variable<R>;
  type Optimizer = TF.Optimizer;
  type KernelBackend = TF.KernelBackend;
  type TensorInfo = TF.TensorInfo;
  type NamedAttrMap = TF.NamedAttrMap;
  type NamedTensorMap = TF.NamedTensorMap;
  type GradConfig = TF.GradConfig;
  type GradSaveFunc = TF.GradSaveFunc;
  namespace serialization {
    type ConfigDict = TF.serialization.ConfigDict;
  }
}
/* eslint-enable @typescript-eslint/no-namespace */
