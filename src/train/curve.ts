import { renderVegaLite } from '../doc/vega.js';
import type { EpochRecord } from './trainer.js';

/** Training curve: loss, and train / test / test-on-hardware accuracy per epoch (a Vega-Lite spec). */
export function trainingCurveSpec(
  history: Pick<EpochRecord, 'epoch' | 'loss' | 'trainAccuracy' | 'testAccuracy' | 'testAccuracyHw'>[],
  title: string,
): object {
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
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: y, scale: { zero: false } },
      ...(color ? { color } : {}),
    },
  });
  return {
    title,
    hconcat: [
      line(
        history.map((h) => ({ epoch: h.epoch, value: h.loss })),
        'training loss',
      ),
      line(acc, 'accuracy (%)', { field: 'series', type: 'nominal', title: null }),
    ],
  };
}

/** The training curve rendered headless to SVG. */
export function trainingCurveSvg(history: EpochRecord[], title: string): Promise<string> {
  return renderVegaLite(trainingCurveSpec(history, title));
}
