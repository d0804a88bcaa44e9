import { getDataset } from '../datasets.js';
import { AxhwError } from '../../errors.js';
import type { Rng } from '../../util/rng.js';

/** Grey images with values in [0, 1], row-major (n x h x w). */
export interface GreyImages {
  name: string;
  pixels: Float32Array;
  n: number;
  h: number;
  w: number;
}

let fashion: GreyImages | undefined;

/** Fashion-MNIST's 60,000 training images (pixels / 255): the real image blocks of jpeg and sobel. */
export function fashionMnistImages(): GreyImages {
  if (fashion) return fashion;
  const d = getDataset('fashion-mnist').load();
  const train = 'train' in d ? d.train : d.all;
  const [h, w] = train.shape as [number, number];
  // a plain loop: Float32Array.from with a map function walks an iterator and calls back per element,
  // 12 s and as much again in garbage collection over these 47 million pixels
  const pixels = new Float32Array(train.x.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = train.x[i]! / 255;
  fashion = { name: 'fashion-mnist (train images)', pixels, n: train.n, h, w };
  return fashion;
}

/**
 * A size x size block at a uniformly drawn image and position, redrawn while it is entirely zero (the
 * images' empty background: a kernel there is trivially exact and would inflate every method's invocation).
 */
export function drawBlock(images: GreyImages, size: number, rng: Rng, out: Float32Array): void {
  if (images.h < size || images.w < size)
    throw new AxhwError(
      `${images.name}: images of ${images.h} x ${images.w} are smaller than a ${size} x ${size} block.`,
      'Use images at least as large as the block.',
    );
  for (let tries = 0; tries < 10_000; tries++) {
    const img = Math.floor((rng.nextU32() / 2 ** 32) * images.n);
    const r = Math.floor((rng.nextU32() / 2 ** 32) * (images.h - size + 1));
    const c = Math.floor((rng.nextU32() / 2 ** 32) * (images.w - size + 1));
    let any = false;
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) {
        const v = images.pixels[img * images.h * images.w + (r + i) * images.w + c + j]!;
        out[i * size + j] = v;
        any ||= v !== 0;
      }
    if (any) return;
  }
  throw new AxhwError(`${images.name}: no block with a non-zero pixel in 10,000 draws.`, 'Use images with content.');
}
