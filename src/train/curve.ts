import { renderVegaLite } from '../doc/vega.js';
import type { EpochRecord } from './trainer.js';

/** Training curve: loss, and train / test / test-on-hardware accuracy per epoch (Vega-Lite, rendered headless). */
export function trainingCurveSvg(history: EpochRecord[], title: string): Promise<string> {
  const acc = history.flatMap((h) => [
    { epoch: h.epoch, series: 'train', value: 100 * h.trainAccuracy },
    { epoch: h.epoch, series: 'test (exact)', value: 100 * h.testAccuracy },
    ...(h.testAccuracyHw !== undefined ? [{ epoch: h.epoch, series: 'test (hardware)', value: 100 * h.testAccuracyHw }] : []),
  ]);
  const line = (values: object[], y: string, color?: object) => ({
    data: { values },
    width: 320,
    height: 220,
    mark: { type: 'line', point: true },
    encoding: { x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } }, y: { field: 'value', type: 'quantitative', title: y, scale: { zero: false } }, ...(color ? { color } : {}) },
  });
  return renderVegaLite({
    title,
    hconcat: [line(history.map((h) => ({ epoch: h.epoch, value: h.loss })), 'training loss'), line(acc, 'accuracy (%)', { field: 'series', type: 'nominal', title: null })],
  });
}
