import type { CosimPool } from './pool.js';
import type { CosimSession } from './session.js';

/**
 * A slice of work: either a range of the row-major pair space, or explicit operand pairs; optionally
 * with control-input values (ports.controls order) that the batch must run under.
 */
export type Batch = ({ kind: 'range'; start: number; n: number } | { kind: 'pairs'; a: Uint32Array; b: Uint32Array; n: number }) & {
  controls?: readonly number[];
};

/**
 * Push batches through every session of the pool, keeping `depth` requests in flight per session so the
 * harness processes never wait for Node. `consume` runs on each reply in completion order while the
 * harnesses work on later batches; it gets the batch index for order-sensitive consumers.
 */
export async function sweep(
  pool: CosimPool,
  batches: Iterable<Batch>,
  consume: (batch: Batch, rtl: Buffer, index: number) => void,
  depth = 3,
): Promise<void> {
  const it = batches[Symbol.iterator]();
  let next = 0;
  const take = (): { batch: Batch; index: number } | undefined => {
    const r = it.next();
    return r.done ? undefined : { batch: r.value, index: next++ };
  };
  const send = (s: CosimSession, b: Batch) => {
    if (b.controls) s.setControls(b.controls);
    return b.kind === 'range' ? s.evalRange(b.start, b.n) : s.evalPairs(b.a, b.b, b.n);
  };
  await Promise.all(
    pool.sessions.map(async (s) => {
      const inflight: { batch: Batch; index: number; reply: Promise<Buffer> }[] = [];
      for (;;) {
        while (inflight.length < depth) {
          const w = take();
          if (!w) break;
          const reply = send(s, w.batch);
          reply.catch(() => {}); // a failure is reported once, by the await below; the rest must not go unhandled
          inflight.push({ ...w, reply });
        }
        const head = inflight.shift();
        if (!head) return;
        consume(head.batch, await head.reply, head.index);
      }
    }),
  );
}

/** Ranges of `chunk` pairs covering [0, total). */
export function* rangeBatches(total: number, chunk: number, controls?: readonly number[]): Generator<Batch> {
  for (let start = 0; start < total; start += chunk) yield { kind: 'range', start, n: Math.min(chunk, total - start), controls };
}
