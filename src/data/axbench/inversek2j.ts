import { tabulate, uniform, type TargetFunction } from './function.js';

/** Link lengths of AxBench's two-joint arm. */
export const L1 = 0.5;
export const L2 = 0.5;

/** End-effector position of joint angles (theta1, theta2). */
export function forwardKinematics(t1: number, t2: number): [number, number] {
  return [L1 * Math.cos(t1) + L2 * Math.cos(t1 + t2), L1 * Math.sin(t1) + L2 * Math.sin(t1 + t2)];
}

/** Joint angles (theta2 in [0, pi]) that put the end effector at (x, y), which must be within reach. */
export function inverseKinematics(x: number, y: number): [number, number] {
  const c2 = Math.min(1, Math.max(-1, (x * x + y * y - L1 * L1 - L2 * L2) / (2 * L1 * L2)));
  const t2 = Math.acos(c2);
  const t1 = Math.atan2(y, x) - Math.atan2(L2 * Math.sin(t2), L1 + L2 * Math.cos(t2));
  return [t1, t2];
}

const HALF_PI = Math.PI / 2;

export const inversek2j: TargetFunction = {
  name: 'inversek2j',
  doc: 'inverse kinematics of a two-joint arm (links 0.5, 0.5): end-effector (x, y) to joint angles',
  inputs: 2,
  outputs: 2,
  inputRanges:
    'theta1, theta2 uniform in [0, pi/2] (AxBench draws angles), (x, y) by forward kinematics, in [-0.5, 1]^2; scaled (v + 0.5) / 1.5',
  outputScaling: 'theta / (pi/2)',
  errorBound: 0.04,
  approximatorHidden: [8, 8],
  predictorHidden: 8,
  generate: (n, seed) =>
    tabulate(n, 2, 2, seed, (rng, x, y) => {
      const [px, py] = forwardKinematics(uniform(rng) * HALF_PI, uniform(rng) * HALF_PI);
      const [t1, t2] = inverseKinematics(px, py);
      x[0] = (px + 0.5) / 1.5;
      x[1] = (py + 0.5) / 1.5;
      y[0] = t1 / HALF_PI;
      y[1] = t2 / HALF_PI;
    }),
};
